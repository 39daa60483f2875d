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
 * @param use the archive to map, or null
 * @param create where this twin dumps a new archive at its exit (renamed to {@code target} once
 *     complete), or null
 * @param target the archive's final path, or null when skipped
 * @param note what was decided and why, for --dry-run
 */
public record ClassDataArchive(Path use, Path create, Path target, String note) {

  /** No archive: the twin starts as the JVM would by default. */
  public static ClassDataArchive skipped(String why) {
    return new ClassDataArchive(null, null, null, "skipped: " + why);
  }

  /** The JVM options that map or create the archive. */
  public List<String> options() {
    if (use != null) {
      return List.of("-XX:SharedArchiveFile=" + use, "-Xshare:auto");
    }
    if (create != null) {
      return List.of("-XX:ArchiveClassesAtExit=" + create);
    }
    return List.of();
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
    String key = HexFormat.of().formatHex(digest.digest()).substring(0, 24);
    Path dir = cacheDir.resolve("cds");
    Path target = dir.resolve(plan.profileName() + "-" + key + ".jsa");
    if (Files.isRegularFile(target)) {
      return new ClassDataArchive(target, null, target, "using " + target);
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      return skipped("cannot create " + dir);
    }
    if (!Files.isWritable(dir)) {
      return skipped(dir + " is not writable");
    }
    Path temp = dir.resolve(target.getFileName() + "." + plan.twinId() + ".tmp");
    return new ClassDataArchive(null, temp, target, "creating " + target + " when this twin ends");
  }

  /** Moves a completely written archive into place; a partial one is removed. */
  public void publish() {
    if (create == null) {
      return;
    }
    try {
      if (Files.isRegularFile(create) && Files.size(create) > 0) {
        Files.move(create, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      } else {
        Files.deleteIfExists(create);
      }
    } catch (IOException e) {
      // A missing archive only costs speed.
    }
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
