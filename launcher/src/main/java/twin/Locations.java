package twin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Where twin keeps its files (DESIGN.md §5), from the environment it was started with. */
public record Locations(Path runtimeDir, Path stateDir, Path cacheDir) {

  public static Locations from(Map<String, String> env, long uid) {
    Path home = Path.of(env.getOrDefault("HOME", System.getProperty("user.home")));
    Path runtime = firstSet(env, "TWIN_RUNTIME_DIR")
        .orElse(env.containsKey("XDG_RUNTIME_DIR") ? Path.of(env.get("XDG_RUNTIME_DIR"), "twin")
            : uid == 0 ? Path.of("/run/twin") : Path.of("/tmp", "twin-" + uid));
    Path state = firstSet(env, "TWIN_STATE_DIR")
        .orElse(env.containsKey("XDG_STATE_HOME") ? Path.of(env.get("XDG_STATE_HOME"), "twin")
            : uid == 0 ? Path.of("/var/log/twin") : home.resolve(".local/state/twin"));
    Path cache = firstSet(env, "TWIN_CACHE_DIR")
        .orElse(env.containsKey("XDG_CACHE_HOME") ? Path.of(env.get("XDG_CACHE_HOME"), "twin")
            : home.resolve(".cache/twin"));
    return new Locations(runtime, state, cache);
  }

  private static java.util.Optional<Path> firstSet(Map<String, String> env, String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? java.util.Optional.empty() : java.util.Optional.of(Path.of(value));
  }

  /** Search (x) bits that open no listing: a twin run as another user, or an ACL mask, needs them. */
  private static final Set<PosixFilePermission> SEARCH_ONLY =
      Set.of(PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);
  /**
   * Creates {@code dir} (and parents) if needed and makes sure it is a real directory, owned by
   * us, with exactly {@code mode}: a private directory that someone else could enter is refused.
   */
  public static Path ensurePrivateDir(Path dir, String mode) {
    // A group read/search bit on an existing directory is the mask of the POSIX ACL a shared twin
    // (twin.allowed-users) put there: chmod would reset that mask and lock those users out.
    return ensureDir(dir, PosixFilePermissions.fromString(mode),
        Set.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_EXECUTE));
  }

  /**
   * Like {@link #ensurePrivateDir} for the runtime dir: 0700, or 0711 when {@code passThrough}
   * (a twin run as another user must pass through it to its own directory; others may search it,
   * never list it). Search bits already there are kept: another twin run as another user, or the
   * ACL mask of a shared twin, needs them while it runs. Read and write bits for group and others
   * are taken away.
   */
  public static Path ensureRuntimeDir(Path dir, boolean passThrough) {
    return ensureDir(dir, PosixFilePermissions.fromString(passThrough ? "rwx--x--x" : "rwx------"), SEARCH_ONLY);
  }

  /**
   * What is wrong with a runtime dir of these permissions, as "group can read and write it", or
   * null when nothing is: only search bits (the modes twin sets itself) may go beyond the owner's.
   */
  public static String runtimeDirProblem(Set<PosixFilePermission> perms) {
    List<String> wrong = new ArrayList<>();
    for (String who : List.of("GROUP", "OTHERS")) {
      List<String> can = new ArrayList<>();
      if (perms.contains(PosixFilePermission.valueOf(who + "_READ"))) {
        can.add("list");
      }
      if (perms.contains(PosixFilePermission.valueOf(who + "_WRITE"))) {
        can.add("add and remove files in");
      }
      if (!can.isEmpty()) {
        wrong.add((who.equals("GROUP") ? "its group" : "other users") + " can " + String.join(" and ", can) + " it");
      }
    }
    return wrong.isEmpty() ? null : String.join("; ", wrong);
  }

  private static Path ensureDir(Path dir, Set<PosixFilePermission> perms, Set<PosixFilePermission> kept) {
    try {
      if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        if (dir.getParent() != null) {
          Files.createDirectories(dir.getParent());
        }
        try {
          Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(perms));
        } catch (java.nio.file.FileAlreadyExistsException raced) {
          // another twin created it first; checked below like any existing directory
        }
      }
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        throw TwinException.notPermitted(dir + " is not a directory (or is a symlink); refusing to use it");
      }
      long owner = ((Number) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
      if (owner != Os.uid()) {
        throw TwinException.notPermitted(dir + " is owned by uid " + owner + ", not by you; refusing to use it");
      }
      // Set the mode explicitly: createDirectory's attribute is narrowed by the umask. Bits in
      // kept stay as they are (a chmod without them would take them from whoever needs them).
      Set<PosixFilePermission> now = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
      Set<PosixFilePermission> wanted = EnumSet.copyOf(perms);
      now.stream().filter(kept::contains).forEach(wanted::add);
      if (!now.equals(wanted)) {
        Files.setPosixFilePermissions(dir, wanted);
      }
      return dir;
    } catch (IOException e) {
      throw new TwinException(ExitCodes.NOT_PERMITTED, "cannot create " + dir + ": " + Os.reason(e), e);
    }
  }
}
