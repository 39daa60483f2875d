package twin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
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

  /**
   * Creates {@code dir} (and parents) if needed and makes sure it is a real directory, owned by
   * us, with exactly {@code mode}: a private directory that someone else could enter is refused.
   */
  public static Path ensurePrivateDir(Path dir, String mode) {
    Set<PosixFilePermission> perms = PosixFilePermissions.fromString(mode);
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
      // Set the mode explicitly: createDirectory's attribute is narrowed by the umask. A group
      // read/search bit on an existing directory is the mask of the POSIX ACL a shared twin
      // (twin.allowed-users) put there: chmod would reset that mask and lock those users out.
      Set<PosixFilePermission> now = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
      Set<PosixFilePermission> wider = new java.util.HashSet<>(now);
      wider.removeAll(perms);
      wider.removeAll(Set.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_EXECUTE));
      if (!wider.isEmpty() || !now.containsAll(perms)) {
        Files.setPosixFilePermissions(dir, perms);
      }
      return dir;
    } catch (IOException e) {
      throw new TwinException(ExitCodes.NOT_PERMITTED, "cannot create " + dir + ": " + Os.reason(e), e);
    }
  }

}
