package twin.capture;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.stream.Stream;
import twin.ExitCodes;
import twin.Os;
import twin.TwinException;

/** Reads a running JVM's launch from /proc: argv, java binary, environment, cwd and user. */
public final class ProcReader {

  /** Text in the command line of twin's own launcher and of twin JVMs: never captured. */
  static final List<String> TWIN_MARKERS = List.of("twin.runtime.TwinMain", "twin.jar");

  /** Where {@link #find} looks for its text, for messages about one JVM. */
  public static final String MATCHED_IN = "in its command line or as its jar's Main-Class";

  /** Where {@link #find} looks for its text, for messages about several JVMs. */
  public static final String MATCHED_IN_ALL = "in their command line or as their jar's Main-Class";

  private static final String DELETED = " (deleted)";

  // Far beyond any real manifest, even one with a long Class-Path.
  private static final int MAX_MANIFEST = 1 << 20;

  private final Path proc;
  private final Path passwd;

  /** A reader of the real /proc and /etc/passwd. */
  public ProcReader() {
    this(Path.of("/proc"), Path.of("/etc/passwd"));
  }

  ProcReader(Path proc, Path passwd) {
    this.proc = proc;
    this.passwd = passwd;
  }

  /** One JVM that {@link #find} matched. */
  public record Candidate(long pid, String user, String runs) {}

  /**
   * Reads the process {@code pid}, which must run java.
   *
   * @throws TwinException exit 2 when there is no such process or it is not a JVM, exit 3 when its
   *     environment is not readable by this user, exit 1 when it ends while being read
   */
  public LiveProcess read(long pid) {
    Path dir = proc.resolve(Long.toString(pid));
    if (pid <= 0 || !Files.isDirectory(dir)) {
      throw TwinException.usage("no process with pid " + pid);
    }
    try {
      long uid = uid(dir);
      String user = userName(uid);
      List<String> cmdline = split(Files.readAllBytes(dir.resolve("cmdline")));
      if (cmdline.isEmpty()) {
        throw TwinException.usage("process " + pid + " has no command line (a kernel thread or a zombie)");
      }
      Path exe = exe(dir);
      String runs = exe == null ? JavaCommandLine.basename(cmdline.get(0)) : exe.getFileName().toString();
      if (!runs.equals("java")) {
        throw TwinException.usage("process " + pid + " runs '" + runs + "', not java (a wrapper script?): "
            + "capture the JVM itself, with --pid of its java child process or with --match TEXT");
      }
      Map<String, String> env;
      Path cwd;
      try {
        env = environment(Files.readAllBytes(dir.resolve("environ")));
        cwd = Files.readSymbolicLink(dir.resolve("cwd"));
        if (exe == null) {
          throw new AccessDeniedException(dir.resolve("exe").toString());
        }
      } catch (AccessDeniedException e) {
        throw TwinException.notPermitted("cannot read the environment of pid " + pid + " (user " + user
            + "): " + runAs(user));
      }
      if (!Files.isDirectory(dir)) {
        throw ended(pid);
      }
      return new LiveProcess(pid, cmdline, exe, env, cwd, uid, user);
    } catch (NoSuchFileException e) {
      throw ended(pid);
    } catch (IOException e) {
      if (!Files.isDirectory(dir)) {
        throw ended(pid);
      }
      throw TwinException.failed("cannot read /proc/" + pid + ": " + Os.reason(e));
    }
  }

  /**
   * The JVMs whose command line contains {@code text}, or that run {@code java -jar JAR} where the
   * JAR's manifest Main-Class is {@code text}, in pid order: processes running java, other than
   * this one, twin's launchers and twin JVMs. Processes that cannot be read are skipped.
   */
  public List<Candidate> find(String text) {
    long self = ProcessHandle.current().pid();
    List<Candidate> found = new ArrayList<>();
    List<Long> pids = new ArrayList<>();
    try (Stream<Path> entries = Files.list(proc)) {
      entries.map(p -> p.getFileName().toString())
          .filter(n -> !n.isEmpty() && n.chars().allMatch(Character::isDigit))
          .forEach(n -> pids.add(Long.parseLong(n)));
    } catch (IOException e) {
      throw TwinException.failed("cannot list " + proc + ": " + Os.reason(e));
    }
    pids.sort(null);
    for (long pid : pids) {
      if (pid == self) {
        continue;
      }
      Path dir = proc.resolve(Long.toString(pid));
      try {
        List<String> cmdline = split(Files.readAllBytes(dir.resolve("cmdline")));
        String joined = String.join(" ", cmdline);
        if (cmdline.isEmpty() || TWIN_MARKERS.stream().anyMatch(joined::contains)) {
          continue;
        }
        Path exe = exe(dir);
        String runs = exe == null ? JavaCommandLine.basename(cmdline.get(0)) : exe.getFileName().toString();
        if (!runs.equals("java") || (!joined.contains(text) && !text.equals(jarMainClass(dir, cmdline)))) {
          continue;
        }
        found.add(new Candidate(pid, userName(uid(dir)), describe(dir, cmdline)));
      } catch (IOException | RuntimeException e) {
        // It ended, or is not ours to read: not a candidate.
      }
    }
    return found;
  }

  /**
   * The manifest Main-Class of the jar a {@code java -jar JAR} process runs, or null when it runs
   * no jar or the jar has none. A relative JAR (and an @argfile) is read through /proc/PID/cwd,
   * as the process resolved it.
   *
   * @throws IOException when the jar cannot be read (it is gone, or not ours to read)
   */
  static String jarMainClass(Path dir, List<String> cmdline) throws IOException {
    if (cmdline.stream().noneMatch(a -> a.equals("-jar") || a.startsWith("@"))) {
      return null;
    }
    Path cwd = dir.resolve("cwd");
    String jar;
    try {
      jar = JavaCommandLine.parse(cmdline, cwd).jar();
    } catch (TwinException e) {
      // an argfile we cannot read, a main module: no jar to read
      return null;
    }
    if (jar == null) {
      return null;
    }
    // Not verified: only the manifest is read, as the java launcher read it to start the process.
    try (JarFile file = new JarFile(cwd.resolve(jar).toFile(), false)) {
      ZipEntry entry = file.getEntry(JarFile.MANIFEST_NAME);
      if (entry == null) {
        return null;
      }
      byte[] bytes;
      try (InputStream in = file.getInputStream(entry)) {
        // Any user's JVM may be read here, and its jar replaced since it started: a bounded read.
        bytes = in.readNBytes(MAX_MANIFEST + 1);
      }
      if (bytes.length > MAX_MANIFEST) {
        return null;
      }
      String main = new Manifest(new ByteArrayInputStream(bytes)).getMainAttributes().getValue("Main-Class");
      // The java launcher accepts a/b/Main for a.b.Main.
      return main == null ? null : main.strip().replace('/', '.');
    }
  }

  // The main class or jar, else the start of the command line: enough for a person to choose.
  private static String describe(Path dir, List<String> cmdline) {
    Path cwd;
    try {
      cwd = Files.readSymbolicLink(dir.resolve("cwd"));
    } catch (IOException e) {
      cwd = null;
    }
    try {
      String runs = JavaCommandLine.parse(cmdline, cwd).runs();
      if (runs != null) {
        return runs;
      }
    } catch (TwinException e) {
      // an argfile we cannot read, a main module: show the command line instead
    }
    String joined = JavaCommandLine.shown(cmdline);
    return joined.length() <= 60 ? joined : joined.substring(0, 57) + "...";
  }

  // The java binary; null when the process is not ours to inspect (then argv[0] has to do).
  private static Path exe(Path dir) throws IOException {
    try {
      String target = Files.readSymbolicLink(dir.resolve("exe")).toString();
      // An upgraded JDK leaves the running JVM on the deleted binary; its path is still the one.
      if (target.endsWith(DELETED)) {
        target = target.substring(0, target.length() - DELETED.length());
      }
      return Path.of(target);
    } catch (AccessDeniedException e) {
      return null;
    }
  }

  private static long uid(Path dir) throws IOException {
    for (String line : Files.readAllLines(dir.resolve("status"), StandardCharsets.UTF_8)) {
      if (line.startsWith("Uid:")) {
        // Uid: real effective saved filesystem
        return Long.parseLong(line.substring(4).strip().split("\\s+")[0]);
      }
    }
    throw new IOException("no Uid: line in " + dir.resolve("status"));
  }

  /** The name of {@code uid} in the passwd file, or the number as text when it is not there. */
  String userName(long uid) {
    try {
      for (String line : Files.readAllLines(passwd, StandardCharsets.UTF_8)) {
        String[] f = line.split(":", -1);
        if (f.length > 2 && f[2].equals(Long.toString(uid)) && !f[0].isEmpty()) {
          return f[0];
        }
      }
    } catch (IOException e) {
      // no passwd file: the number is all we know
    }
    return Long.toString(uid);
  }

  /** NUL-separated strings, as in cmdline and environ; a trailing NUL ends the last one. */
  public static List<String> split(byte[] raw) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] == 0) {
        out.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
        start = i + 1;
      }
    }
    if (start < raw.length) {
      out.add(new String(raw, start, raw.length - start, StandardCharsets.UTF_8));
    }
    return out;
  }

  /** The variables of an environ file, in order; entries without '=' are skipped. */
  static Map<String, String> environment(byte[] raw) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String entry : split(raw)) {
      int eq = entry.indexOf('=');
      if (eq > 0) {
        env.put(entry.substring(0, eq), entry.substring(eq + 1));
      }
    }
    return env;
  }

  /** What to do about another user's process: "run as root", or also as that user when it is not root. */
  static String runAs(String user) {
    // As root nothing is refused; as the process's own user, something else stops us (hidepid, dumpable).
    return user.equals("root") || user.equals(System.getProperty("user.name"))
        ? "run as root" : "run as root or as " + user;
  }

  private static TwinException ended(long pid) {
    return new TwinException(ExitCodes.FAILED, "process " + pid + " ended while it was being read");
  }
}
