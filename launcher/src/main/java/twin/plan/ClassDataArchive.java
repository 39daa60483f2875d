package twin.plan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A class-data sharing archive for one service classpath (JDK 17's dynamic AppCDS): the twin
 * maps it at start instead of loading and verifying Clojure and the service's classes again.
 * Archives live in the cache dir under a key of the java and of every jar's size and mtime, so a
 * changed jar means a new key and the stale archive is simply never used.
 *
 * <p>An archive is never dumped by a twin that ran user code or saw the service's environment:
 * a dump keeps the symbols of everything loaded, so a secret typed into a form would land in the
 * cache. A separate training run, with an empty environment, loads what every twin loads and
 * nothing else.
 *
 * @param use the archive to map, or null
 * @param create where the training run dumps a new archive (renamed to {@code target} once
 *     complete), or null
 * @param target the archive's final path, or null when skipped
 * @param note what was decided and why, for --dry-run
 */
public record ClassDataArchive(Path use, Path create, Path target, String note) {
  private static final int KEY_LENGTH = 24;
  /** An archive no twin mapped for this many days is removed when its profile makes a new one. */
  static final int STALE_DAYS = 7;
  /**
   * The training run's exit code when it must not run (the classpath has a user.clj, which
   * Clojure runs when it starts), and the marker that remembers it next to where the archive
   * would be.
   */
  static final int REFUSED_EXIT = twin.runtime.TwinMain.ARCHIVE_REFUSED;
  static final String REFUSED_SUFFIX = ".none";

  /** No archive: the twin starts as the JVM would by default. */
  public static ClassDataArchive skipped(String why) {
    return new ClassDataArchive(null, null, null, "skipped: " + why);
  }

  /** The JVM options that map or create the archive. */
  public List<String> options() {
    if (use != null) {
      return List.of("-XX:SharedArchiveFile=" + use, "-Xshare:auto");
    }
    return List.of();
  }

  /**
   * The training run that makes the archive: the twin's java, its -XX options (they shape the
   * archive; -D options may hold secrets and stay out), the classpath, and the runtime's archive
   * mode; it renames the dump into place only when the JVM succeeded.
   */
  public List<String> trainingCommand(LaunchPlan plan) {
    List<String> java = new ArrayList<>();
    java.add(plan.java().toString());
    plan.jvmOptions().stream().filter(o -> o.startsWith("-XX:") && !o.contains(plan.privateDir().toString()))
        .forEach(java::add);
    java.addAll(List.of("-XX:ArchiveClassesAtExit=" + create, "-Xlog:cds=off", "-Xlog:cds+dynamic=off",
        "-cp", String.join(":", plan.classpath()), LaunchPlanner.RUNTIME_MAIN, "--archive"));
    // Then the profile's archives nobody mapped for a week go: stale keys (a jar or the JDK
    // changed) would otherwise pile up in the cache, 10 to 20 MB each.
    String prune = "p=${0##*/}; find \"${0%/*}\" -maxdepth 1 -type f -name \"${p%-*}-" + "?".repeat(KEY_LENGTH)
        + ".jsa*\" ! -name \"$p*\" -atime +" + STALE_DAYS + " -delete 2>/dev/null";
    // A refusal (the classpath has a user.clj) leaves a marker: no twin asks again until the key changes.
    String script = "\"$@\"; rc=$?; if [ $rc -eq 0 ]; then chmod 600 \"$0.part\" && mv -f \"$0.part\" \"$0\"; "
        + "elif [ $rc -eq " + REFUSED_EXIT + " ]; then : > \"$0" + REFUSED_SUFFIX + "\"; fi; rm -f \"$0.part\"; " + prune;
    List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", script, target.toString()));
    command.addAll(java);
    return command;
  }

  /**
   * Decides for a plan: map the cached archive, create it, or skip (a directory on the classpath,
   * a twin running as another user, or no usable cache dir).
   */
  public static ClassDataArchive decide(LaunchPlan plan, Path cacheDir, boolean otherUser) {
    if (otherUser) {
      return skipped("the twin runs as another user, who cannot share this user's cache");
    }
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      return skipped("no SHA-256");
    }
    update(digest, plan.java().toString());
    update(digest, plan.javaVersion());
    for (String option : plan.jvmOptions()) {
      // Options naming this twin's private files differ per twin; the rest shape the archive.
      if (!option.contains(plan.privateDir().toString()) && !option.startsWith("-Dtwin.")) {
        update(digest, option);
      }
    }
    try {
      for (Path jar : jars(plan.classpath())) {
        BasicFileAttributes a = Files.readAttributes(jar, BasicFileAttributes.class);
        if (a.isDirectory()) {
          return skipped("the classpath has a directory (" + jar + "); class-data archives need jars");
        }
        update(digest, jar + ":" + a.size() + ":" + a.lastModifiedTime().toMillis());
      }
    } catch (IOException e) {
      return skipped("cannot read the classpath: " + e.getMessage());
    }
    String key = HexFormat.of().formatHex(digest.digest()).substring(0, KEY_LENGTH);
    Path dir = cacheDir.resolve("cds");
    Path target = dir.resolve(plan.profileName() + "-" + key + ".jsa");
    if (Files.isRegularFile(target)) {
      return new ClassDataArchive(target, null, target, "using " + target);
    }
    if (Files.exists(Path.of(target + REFUSED_SUFFIX))) {
      return skipped("the classpath has a user.clj, which Clojure runs when it starts, and an archive's training "
          + "run never runs the service's code");
    }
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      return skipped("cannot create " + dir);
    }
    if (!Files.isWritable(dir)) {
      return skipped(dir + " is not writable");
    }
    Path temp = Path.of(target + ".part");
    if (Files.exists(temp)) {
      return skipped("another twin is making " + target + " right now");
    }
    return new ClassDataArchive(null, temp, target, "making " + target + " in the background, for the next twin");
  }

  private static List<Path> jars(List<String> classpath) throws IOException {
    List<Path> jars = new ArrayList<>();
    for (String entry : classpath) {
      if (entry.endsWith("/*")) {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(Path.of(entry.substring(0, entry.length() - 2)), "*.{jar,JAR}")) {
          s.forEach(found::add);
        }
        found.sort(null);
        jars.addAll(found);
      } else {
        jars.add(Path.of(entry));
      }
    }
    return jars;
  }

  private static void update(MessageDigest digest, String text) {
    digest.update(text.getBytes(StandardCharsets.UTF_8));
    digest.update((byte) 0);
  }
}
