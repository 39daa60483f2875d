package twin.capture;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import twin.audit.Json;
import twin.audit.TranscriptReader;
import twin.secret.Redactor;

/**
 * The differences between a profile, resolved as a launch resolves it, and a live JVM: classpath
 * entries, JVM options, environment, java, workdir and user. "Added" means in the live service
 * only, "removed" in the profile only. Secret values never appear in it.
 *
 * @param profileName the profile's name
 * @param profileFile the profile's file
 * @param pid the live process
 * @param liveUser the live process's user
 * @param started when the live process started, or null when unknown
 * @param classpath classpath differences
 * @param options JVM option differences
 * @param env environment differences
 * @param settings java, java version, workdir and user differences: name, profile value, live value
 */
public record Drift(
    String profileName,
    Path profileFile,
    long pid,
    String liveUser,
    Instant started,
    List<Entry> classpath,
    List<Entry> options,
    List<Entry> env,
    List<Setting> settings) {

  // The kernel's boot time has whole seconds, so a process's start time can be early by up to one.
  private static final java.time.Duration START_TIME_SLACK = java.time.Duration.ofSeconds(2);
  private static final String DELETED = " (deleted)";

  /** What a difference is. */
  public enum Change {
    ADDED("+"), REMOVED("-"), CHANGED("~");

    final String sign;

    Change(String sign) {
      this.sign = sign;
    }
  }

  /** One classpath entry, option or variable; {@code detail} is what to show (never a secret's value). */
  public record Entry(Change change, String name, String detail, boolean secret) {}

  /** One setting that differs. */
  public record Setting(String name, String profile, String live) {}

  public Drift {
    classpath = List.copyOf(classpath);
    options = List.copyOf(options);
    env = List.copyOf(env);
    settings = List.copyOf(settings);
  }

  /** One side of the comparison: a launch as the inspector read it. */
  public record Side(Path java, String javaVersion, Path workdir, String user, List<String> jvmOptions,
      List<String> classpath, Map<String, String> env) {}

  /**
   * Compares {@code profile} with {@code live}. {@code started} and {@code open} (the files the
   * live process holds open, see {@link #openFiles}) tell which classpath files changed under
   * the running service; {@code secretNames} are the profile's extra secret words.
   */
  public static Drift compare(String profileName, Path profileFile, long pid, Side profile, Side live,
      Instant started, Map<Path, Object> open, List<String> secretNames) {
    Redactor redactor = new Redactor(profile.env(), secretNames).plus(live.env());
    List<Entry> classpath = classpath(expand(profile.classpath()), expand(live.classpath()), started, open);
    List<Entry> options = new ArrayList<>();
    List<String> liveLeft = new ArrayList<>(live.jvmOptions());
    List<String> removed = new ArrayList<>();
    for (String o : profile.jvmOptions()) {
      if (!liveLeft.remove(o)) {
        removed.add(o);
      }
    }
    removed.forEach(o -> options.add(new Entry(Change.REMOVED, redactor.redactArg(o), null, false)));
    liveLeft.forEach(o -> options.add(new Entry(Change.ADDED, redactor.redactArg(o), null, false)));
    List<Entry> env = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>(profile.env().keySet());
    names.addAll(live.env().keySet());
    for (String name : names) {
      String was = profile.env().get(name);
      String is = live.env().get(name);
      if (Objects.equals(was, is)) {
        continue;
      }
      boolean secret = redactor.isSecret(name)
          || (was != null && ProfileCapture.isSecret(name, was)) || (is != null && ProfileCapture.isSecret(name, is));
      Change change = was == null ? Change.ADDED : is == null ? Change.REMOVED : Change.CHANGED;
      String detail = secret ? null : change == Change.ADDED ? redactor.redact(is)
          : change == Change.REMOVED ? redactor.redact(was) : redactor.redact(was) + " -> " + redactor.redact(is);
      env.add(new Entry(change, name, detail, secret));
    }
    List<Setting> settings = new ArrayList<>();
    setting(settings, "java", real(profile.java()), real(live.java()));
    setting(settings, "java-version", profile.javaVersion(), live.javaVersion());
    setting(settings, "workdir", real(profile.workdir()), real(live.workdir()));
    setting(settings, "user", profile.user(), live.user());
    return new Drift(profileName, profileFile, pid, live.user(), started, classpath, options, env, settings);
  }

  /** True when the profile and the live process launch the same way. */
  public boolean same() {
    return count() == 0;
  }

  /** The number of differences. */
  public int count() {
    return classpath.size() + options.size() + env.size() + settings.size();
  }

  /** For people: one section per kind, {@code +} live only, {@code -} profile only, {@code ~} changed. */
  public String human() {
    StringBuilder out = new StringBuilder();
    String against = "profile '" + profileName + "' (" + profileFile + ") against pid " + pid + " (user " + liveUser
        + (started == null ? "" : ", started " + started) + ")";
    if (same()) {
      return "no drift: " + against + "\n";
    }
    out.append("drift: ").append(against).append('\n');
    section(out, "classpath", classpath);
    section(out, "jvm-options", options);
    section(out, "env", env);
    for (Setting s : settings) {
      out.append(s.name()).append(": ").append(TranscriptReader.line(s.profile())).append(" -> ")
          .append(TranscriptReader.line(s.live())).append('\n');
    }
    out.append(count()).append(count() == 1 ? " difference" : " differences")
        .append(" (+ only in the live service, - only in the profile, ~ changed; -> profile to live)\n");
    return out.toString();
  }

  /** For machines: one JSON object on one line. */
  public String json() {
    StringBuilder out = new StringBuilder("{");
    out.append("\"profile\":").append(Json.string(profileName))
        .append(",\"file\":").append(Json.string(profileFile.toString()))
        .append(",\"pid\":").append(pid)
        .append(",\"same\":").append(same())
        .append(",\"classpath\":").append(jsonEntries(classpath))
        .append(",\"jvmOptions\":").append(jsonEntries(options))
        .append(",\"env\":").append(jsonEntries(env))
        .append(",\"settings\":[");
    for (int i = 0; i < settings.size(); i++) {
      Setting s = settings.get(i);
      out.append(i == 0 ? "" : ",").append("{\"name\":").append(Json.string(s.name()))
          .append(",\"profile\":").append(nullable(s.profile()))
          .append(",\"live\":").append(nullable(s.live())).append('}');
    }
    return out.append("]}\n").toString();
  }

  private static String jsonEntries(List<Entry> entries) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      out.append(i == 0 ? "" : ",").append("{\"change\":").append(Json.string(e.change().name().toLowerCase()))
          .append(",\"name\":").append(Json.string(e.name()));
      if (e.secret()) {
        out.append(",\"secret\":true");
      } else if (e.detail() != null) {
        out.append(",\"detail\":").append(Json.string(e.detail()));
      }
      out.append('}');
    }
    return out.append(']').toString();
  }

  private static String nullable(String s) {
    return s == null ? "null" : Json.string(s);
  }

  private static void section(StringBuilder out, String title, List<Entry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    out.append(title).append(":\n");
    for (Entry e : entries) {
      // Values come from the live process: control characters are shown escaped, never sent raw.
      out.append("  ").append(e.change().sign).append(' ').append(TranscriptReader.line(e.name()));
      if (e.secret()) {
        out.append(e.change() == Change.CHANGED ? ": changed (a secret: value not shown)" : " (a secret: value not shown)");
      } else if (e.detail() != null) {
        out.append(title.equals("env") && e.change() != Change.CHANGED ? "=" : ": ").append(TranscriptReader.line(e.detail()));
      }
      out.append('\n');
    }
  }

  private static void setting(List<Setting> settings, String name, String profile, String live) {
    if (!Objects.equals(profile, live)) {
      settings.add(new Setting(name, profile, live));
    }
  }

  private static String real(Path path) {
    if (path == null) {
      return null;
    }
    try {
      return path.toRealPath().toString();
    } catch (IOException e) {
      return path.toString();
    }
  }

  private static List<Entry> classpath(List<String> profile, List<String> live, Instant started,
      Map<Path, Object> open) {
    List<Entry> out = new ArrayList<>();
    List<String> removed = new ArrayList<>(profile);
    removed.removeAll(live);
    List<String> added = new ArrayList<>(live);
    added.removeAll(profile);
    removed.forEach(e -> out.add(new Entry(Change.REMOVED, e, describe(Path.of(e)), false)));
    added.forEach(e -> out.add(new Entry(Change.ADDED, e, describe(Path.of(e)), false)));
    for (String e : live) {
      if (!profile.contains(e)) {
        continue;
      }
      Path path = Path.of(e);
      BasicFileAttributes now;
      try {
        now = Files.readAttributes(path, BasicFileAttributes.class);
      } catch (IOException gone) {
        now = null;
      }
      if (open.containsKey(path)) {
        // The file the JVM has open against the file at that path now: another inode is another file.
        if (now == null || !Objects.equals(open.get(path), now.fileKey())) {
          out.add(new Entry(Change.CHANGED, e, "replaced since the service opened it (it still runs the old file; now "
              + describe(path) + ")", false));
        }
      } else if (now != null && now.isRegularFile() && started != null
          && now.lastModifiedTime().toInstant().isAfter(started.plus(START_TIME_SLACK))) {
        out.add(new Entry(Change.CHANGED, e, "modified after the service started (now " + describe(path) + ")", false));
      }
    }
    return out;
  }

  private static String describe(Path path) {
    try {
      BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
      return a.isDirectory() ? "a directory" : a.size() + " bytes, modified " + a.lastModifiedTime().toInstant();
    } catch (IOException e) {
      return "missing";
    }
  }

  /** Classpath entries with {@code dir/*} expanded to its jars, as the java launcher does. */
  static List<String> expand(List<String> entries) {
    List<String> out = new ArrayList<>();
    for (String entry : entries) {
      if (!entry.endsWith("/*")) {
        out.add(entry);
        continue;
      }
      List<String> jars = new ArrayList<>();
      try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of(entry.substring(0, entry.length() - 2)),
          "*.{jar,JAR}")) {
        dir.forEach(p -> jars.add(p.toString()));
      } catch (IOException e) {
        // an unreadable directory contributes nothing, to either side
      }
      jars.sort(null);
      out.addAll(jars);
    }
    return out;
  }

  /**
   * The files the process holds open, by the path it opened them at (a deleted or replaced file
   * keeps its old path), each with the file key (device and inode) of the open file itself.
   */
  public static Map<Path, Object> openFiles(long pid) {
    Map<Path, Object> out = new LinkedHashMap<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      fds.forEach(fd -> {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (!target.startsWith("/")) {
            return; // a socket, a pipe, an anonymous inode
          }
          if (target.endsWith(DELETED)) {
            target = target.substring(0, target.length() - DELETED.length());
          }
          // Through the /proc link, stat reaches the open file even when its name is gone.
          out.put(Path.of(target), Files.readAttributes(fd, BasicFileAttributes.class).fileKey());
        } catch (IOException e) {
          // closed meanwhile
        }
      });
    } catch (IOException e) {
      // not ours to list: only the modification times can tell
    }
    return out;
  }
}
