package twin.profile;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** Finds profiles by name on the search path of DESIGN §3, or takes a path as given. */
public final class ProfileLocator {

  private static final List<String> EXTENSIONS = List.of(".yaml", ".yml");

  private final List<Path> searchPath;
  private final Path cwd;

  /** A locator over {@code searchPath}; relative profile paths are taken as given. */
  public ProfileLocator(List<Path> searchPath) {
    this(searchPath, Path.of(""));
  }

  /**
   * A locator over {@code searchPath}; relative profile paths are resolved against {@code cwd}
   * (pass {@code Path.of("")} to keep them relative, as the user typed them, in messages).
   */
  public ProfileLocator(List<Path> searchPath, Path cwd) {
    this.searchPath = List.copyOf(searchPath);
    this.cwd = Objects.requireNonNull(cwd, "cwd");
  }

  /**
   * The standard search path: the entries of {@code $TWIN_PROFILES} (colon-separated, empty
   * entries skipped), then {@code cwd/profiles}, {@code home/.config/twin/profiles} (when
   * {@code home} is not null) and {@code /etc/twin/profiles}.
   */
  public static ProfileLocator standard(Map<String, String> env, Path cwd, Path home) {
    List<Path> dirs = new ArrayList<>();
    String configured = env.get("TWIN_PROFILES");
    if (configured != null) {
      for (String entry : configured.split(":")) {
        if (!entry.isBlank()) {
          try {
            dirs.add(cwd.resolve(entry));
          } catch (InvalidPathException e) {
            // An entry that cannot be a path cannot hold profiles either.
          }
        }
      }
    }
    dirs.add(cwd.resolve("profiles"));
    if (home != null) {
      dirs.add(home.resolve(".config").resolve("twin").resolve("profiles"));
    }
    dirs.add(Path.of("/etc/twin/profiles"));
    return new ProfileLocator(dirs, cwd);
  }

  /** The directories searched, in order. */
  public List<Path> searchPath() {
    return searchPath;
  }

  /**
   * The profile file for {@code nameOrPath}: a path when it contains '/' or ends in .yaml/.yml,
   * otherwise the first {@code NAME.yaml} or {@code NAME.yml} on the search path.
   */
  public Path resolve(String nameOrPath) throws ProfileException {
    if (isPath(nameOrPath)) {
      Path file;
      try {
        file = cwd.resolve(nameOrPath);
      } catch (InvalidPathException e) {
        throw new ProfileException(nameOrPath, "no such profile file");
      }
      if (!Files.isRegularFile(file)) {
        throw new ProfileException(file.toString(), Files.isDirectory(file) ? "not a profile file (a directory)"
            : Files.exists(file) ? "not a profile file (not a regular file)"
            : Files.isSymbolicLink(file) ? "a symbolic link that leads to no file (" + brokenLink(file) + ")"
            : "no such profile file");
      }
      return file;
    }
    if (!nameOrPath.isEmpty() && !nameOrPath.startsWith(".") && !nameOrPath.contains("\0")) {
      for (Path dir : searchPath) {
        for (String ext : EXTENSIONS) {
          Path file = dir.resolve(nameOrPath + ext);
          if (Files.isRegularFile(file)) {
            return file;
          }
        }
      }
    }
    throw new ProfileNotFoundException(nameOrPath, searchPath);
  }

  /** Why a symbolic link leads nowhere: a loop, or a target that does not exist. */
  private static String brokenLink(Path link) {
    try {
      link.toRealPath();
      return "it changed while it was read";
    } catch (java.nio.file.FileSystemException e) {
      String reason = e.getReason() == null ? "" : e.getReason().toLowerCase(java.util.Locale.ROOT);
      return e instanceof java.nio.file.NoSuchFileException ? "its target does not exist"
          : reason.startsWith("too many levels of symbolic links") ? "a loop of symbolic links"
          : reason.isEmpty() ? "it cannot be followed" : reason;
    } catch (java.io.IOException e) {
      return "it cannot be followed";
    }
  }

  /**
   * Every {@code *.yaml} and {@code *.yml} file on the search path, sorted by profile name; where
   * two directories hold the same name, the earlier one wins, as in {@link #resolve}.
   */
  public List<Path> list() {
    TreeMap<String, Path> byName = new TreeMap<>();
    for (Path dir : searchPath) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      // .yaml before .yml within a directory, matching resolve().
      TreeMap<String, Path> here = new TreeMap<>();
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
        for (Path file : files) {
          String fileName = file.getFileName().toString();
          String name = stem(fileName);
          if (name == null || name.isEmpty() || fileName.startsWith(".")
              || !Files.isRegularFile(file)) {
            continue;
          }
          Path prior = here.get(name);
          if (prior == null || fileName.endsWith(".yaml")) {
            here.put(name, file);
          }
        }
      } catch (IOException e) {
        // An unreadable directory holds no profiles we can use; resolve() will not find them either.
        continue;
      }
      here.forEach(byName::putIfAbsent);
    }
    return List.copyOf(byName.values());
  }

  private static boolean isPath(String s) {
    return s.contains("/") || s.endsWith(".yaml") || s.endsWith(".yml");
  }

  private static String stem(String fileName) {
    for (String ext : EXTENSIONS) {
      if (fileName.endsWith(ext)) {
        return fileName.substring(0, fileName.length() - ext.length());
      }
    }
    return null;
  }
}
