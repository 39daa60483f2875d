package twin.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import twin.ExitCodes;
import twin.Locations;
import twin.Os;
import twin.TwinException;
import twin.client.TwinLocator;
import twin.profile.ProfileException;
import twin.profile.ProfileLoader;
import twin.profile.ProfileLocator;

/**
 * {@code twin doctor}: checks this host before an incident does. Reads only; creates and changes
 * nothing but probes it removes at once: a socket in a temporary directory, and a file or
 * directory where twin would write.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
    description = {
        "Checks that twin can work on this host: its own jars, the java running it, the runtime, "
            + "state and cache directories and their modes, unix sockets, the system tools some "
            + "features need (setpriv, setsid, systemd-run, setfacl, logger), the profiles on the "
            + "profile path, and the detached twins. Changes nothing: its probes (a socket, and a file "
            + "or directory where twin writes) are removed at once.",
        ""},
    footer = {"", "Each line is 'ok', 'note' (a feature is unavailable) or 'FAIL' (with what to do).",
        "Exit 0 when nothing failed, 1 otherwise.", "", "Example:  twin doctor"})
final class DoctorCommand implements Callable<Integer> {
  /** The longest socket path twin makes: twins/ID/twin.sock with a 40-character profile name. */
  static final int SOCKET_SUFFIX = "/twins/".length() + 40 + "-abcdef".length() + "/twin.sock".length();
  /** sun_path holds 108 bytes, the last a NUL. */
  static final int SOCKET_PATH_MAX = 107;

  @Spec
  CommandSpec spec;

  private PrintWriter out;
  private int failures;
  private int notes;

  @Override
  public Integer call() {
    out = spec.commandLine().getOut();
    Environment world = Environment.current();
    Locations where = world.locations();
    out.println("twin " + VersionProvider.version() + (Os.isRoot() ? ", as root" : ", as " + Os.userName()
        + " (uid " + Os.uid() + ")"));
    checkInstall(world);
    checkJava();
    checkRuntimeDir(where.runtimeDir());
    checkWritable("state dir (transcripts)", where.stateDir());
    checkWritable("cache dir (class-data archives)", where.cacheDir());
    checkSockets();
    checkTools();
    checkProfiles(world.locator());
    checkTwins(where.runtimeDir());
    out.println(failures == 0
        ? "no problems" + (notes == 0 ? "" : " (" + notes + " note" + (notes == 1 ? "" : "s") + ")")
        : failures + " problem" + (failures == 1 ? "" : "s") + " found");
    out.flush();
    return failures == 0 ? ExitCodes.OK : ExitCodes.FAILED;
  }

  private void ok(String what) {
    out.println("  ok    " + what);
  }

  private void note(String what) {
    notes++;
    out.println("  note  " + what);
  }

  private void fail(String what) {
    failures++;
    out.println("  FAIL  " + what);
  }

  private void checkInstall(Environment world) {
    TwinHome home;
    try {
      home = TwinHome.locate(world.env);
      home.runtimeJar();
      List<Path> clojure = home.clojureJars();
      String names = clojure.stream().map(p -> p.getFileName().toString()).filter(n -> n.startsWith("clojure-"))
          .findFirst().orElse(null);
      if (names == null) {
        fail("no clojure-*.jar in " + home.dir().resolve("clojure") + ": reinstall twin (or rebuild: mvn package)");
        return;
      }
      ok("install " + home.dir() + " (twin-runtime.jar, " + names + ", " + clojure.size() + " Clojure jars)");
    } catch (TwinException e) {
      fail(e.getMessage());
    }
  }

  private void checkJava() {
    int feature = Runtime.version().feature();
    String java = System.getProperty("java.home");
    if (feature < 17) {
      fail("java " + System.getProperty("java.version") + " runs twin; it needs 17 or later (set JAVA_HOME)");
    } else {
      ok("java " + System.getProperty("java.version") + " runs twin (" + java + ")");
    }
  }

  private void checkRuntimeDir(Path dir) {
    int length = dir.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8).length + SOCKET_SUFFIX;
    if (length > SOCKET_PATH_MAX) {
      fail("runtime dir " + dir + ": socket paths under it would be " + length + " bytes, more than the "
          + SOCKET_PATH_MAX + " a unix socket allows; set TWIN_RUNTIME_DIR to a shorter path");
      return;
    }
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      String why = unusable(dir);
      if (why != null) {
        fail("runtime dir " + dir + " " + why + "; set TWIN_RUNTIME_DIR");
      } else {
        ok("runtime dir " + dir + " (made 0700 at the first launch)");
      }
      return;
    }
    try {
      if (Files.isSymbolicLink(dir) || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        fail("runtime dir " + dir + " is not a directory (or is a link); twin refuses to use it");
        return;
      }
      long owner = ((Number) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
      String mode = PosixFilePermissions.toString(perms);
      String open = Locations.runtimeDirProblem(perms);
      String why;
      if (owner != Os.uid()) {
        fail("runtime dir " + dir + " is owned by uid " + owner + ", not by you; set TWIN_RUNTIME_DIR to a "
            + "directory of your own");
      } else if (open != null) {
        // go-rw, not 700: the search bits are twin's own (see Locations.ensureRuntimeDir).
        fail("runtime dir " + dir + " is open to other users (" + mode + ": " + open + "); chmod go-rw " + dir);
      } else if ((why = unusable(dir)) != null) {
        fail("runtime dir " + dir + " " + why + "; set TWIN_RUNTIME_DIR");
      } else {
        ok("runtime dir " + dir + " (" + mode + (mode.endsWith("------") ? ""
            : "; search only, no listing: as twin sets it for a twin run as another user, or with the ACL of "
                + "twin.allowed-users") + ")");
      }
    } catch (IOException e) {
      fail("runtime dir " + dir + ": " + Os.reason(e));
    }
  }

  private void checkWritable(String what, Path dir) {
    String why = unusable(dir);
    if (why != null) {
      fail(what + " " + dir + " " + why + "; set " + variable(what) + " (or fix the directory)");
    } else {
      ok(what + " " + dir + (Files.isDirectory(dir) ? "" : " (made at first use)"));
    }
  }

  /**
   * Why twin could neither write in {@code dir} nor make it, as a phrase after its name, or null.
   * Tries, as twin would: a file in the directory, or a directory in its nearest existing
   * ancestor; the probe is removed at once. (Permission bits alone do not tell: root passes
   * them, and /proc takes no new directory from anyone.)
   */
  static String unusable(Path dir) {
    Path target = dir.toAbsolutePath();
    if (Files.exists(target)) {
      if (!Files.isDirectory(target)) {
        return "is not a directory";
      }
      String why = probe(target, false);
      return why == null ? null : "is not writable by you (" + why + ")";
    }
    Path parent = existingParent(target);
    if (parent == null) {
      return "cannot be made: none of its parents exists";
    }
    if (!Files.isDirectory(parent)) {
      return "cannot be made: " + parent + " is not a directory";
    }
    String why = probe(parent, true);
    return why == null ? null : "cannot be made: no directory can be made in " + parent + " (" + why + ")";
  }

  private static String probe(Path dir, boolean directory) {
    try {
      Path made = directory ? Files.createTempDirectory(dir, ".twin-doctor-")
          : Files.createTempFile(dir, ".twin-doctor-", ".probe");
      Files.delete(made);
      return null;
    } catch (IOException e) {
      return Os.reason(e);
    } catch (UnsupportedOperationException | SecurityException e) {
      return e.getMessage();
    }
  }

  private static String variable(String what) {
    return what.startsWith("state") ? "TWIN_STATE_DIR" : "TWIN_CACHE_DIR";
  }

  private void checkSockets() {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("twin-doctor-", PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rwx------")));
      try (ServerSocketChannel probe = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
        probe.bind(UnixDomainSocketAddress.of(dir.resolve("probe.sock")));
      }
      ok("unix sockets (a probe bound in " + dir.getParent() + ")");
    } catch (IOException | UnsupportedOperationException e) {
      fail("cannot bind a unix socket: " + e.getMessage() + "; twin needs unix sockets (Linux, JDK 16+)");
    } finally {
      if (dir != null) {
        try {
          Files.deleteIfExists(dir.resolve("probe.sock"));
          Files.deleteIfExists(dir);
        } catch (IOException ignored) {
          // a temp dir left behind
        }
      }
    }
  }

  private void checkTools() {
    tool("setpriv", "util-linux", Os.isRoot() ? "needed: as root, twins run as the profile's user" : null,
        "as root, twins run as the profile's user");
    tool("setsid", "util-linux", "needed: detached twins survive the terminal in a session of their own", null);
    tool("systemd-run", "systemd", null, "launch --scope (CPU and memory caps)");
    tool("setfacl", "acl", null, "twin.allowed-users / allowed-groups (sharing a detached twin)");
    tool("nice", "coreutils", null, "the twin's lower CPU priority");
    tool("ionice", "util-linux", null, "the twin's lower IO priority");
    if (Files.exists(Path.of("/dev/log")) && find("logger") != null) {
      ok("logger and /dev/log: transcript chain heads also go to syslog");
    } else {
      note("no " + (find("logger") == null ? "logger" : "/dev/log") + ": transcript chain heads are not copied "
          + "to syslog (transcripts and their hash chains still are written)");
    }
  }

  /** A tool that is required ({@code needed} non-null) or that a feature needs ({@code feature}). */
  private void tool(String name, String pkg, String needed, String feature) {
    Path found = find(name);
    if (found != null) {
      ok(name + " (" + found + ")");
    } else if (needed != null) {
      fail(name + " not found: " + needed + " (apt-get install " + pkg + ")");
    } else {
      note(name + " not found: no " + feature + " (apt-get install " + pkg + ")");
    }
  }

  private static Path find(String name) {
    return Os.systemTool(name);
  }

  private void checkProfiles(ProfileLocator locator) {
    List<Path> files = locator.list();
    if (files.isEmpty()) {
      note("no profiles on the profile path (" + String.join(":", locator.searchPath().stream().map(Path::toString)
          .toList()) + "); write one, or: twin capture --pid PID -o FILE");
      return;
    }
    ProfileLoader loader = new ProfileLoader();
    int valid = 0;
    for (Path file : files) {
      try {
        loader.load(file);
        valid++;
      } catch (ProfileException e) {
        fail(e.getMessage().lines().findFirst().orElse(file + ": invalid"));
      }
    }
    if (valid > 0) {
      ok(valid + " valid profile" + (valid == 1 ? "" : "s") + " (twin profiles list)");
    }
  }

  private void checkTwins(Path runtimeDir) {
    Path twins = TwinLocator.twinsDir(runtimeDir);
    if (!Files.isDirectory(twins, LinkOption.NOFOLLOW_LINKS)) {
      ok("no detached twins");
      return;
    }
    int count = 0;
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(twins)) {
      for (Path ignored : dirs) {
        count++;
      }
    } catch (IOException e) {
      fail("cannot list " + twins + ": " + Os.reason(e));
      return;
    }
    ok(count + " detached twin director" + (count == 1 ? "y" : "ies") + " (twin ps lists the live ones)");
  }

  private static Path existingParent(Path dir) {
    Path p = dir.toAbsolutePath();
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    return p;
  }
}
