package twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** What the Detached*IT tests share: starting detached twins, finding their processes, cleaning up. */
final class DetachedSupport {
  /** A twin id: the profile name, a dash, six hex digits. */
  static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]+-[0-9a-f]{6}");
  private static final Pattern STARTED =
      Pattern.compile("twin: started (\\S+) \\(twin pid (\\d+), supervisor pid (\\d+);");

  private DetachedSupport() {}

  /** A detached twin as {@code launch --detach} reported it. */
  record Detached(String id, long twinPid, long supervisorPid, TwinCli.Result launch) {}

  /**
   * Runs {@code launch PROFILE --detach extra...}, checks its report (id on stdout, pids and the
   * attach hint on stderr, exit 0) and returns what it said.
   */
  static Detached detach(TwinCli twin, String profile, String... extra) {
    List<String> args = new ArrayList<>(List.of("launch", profile, "--detach"));
    args.addAll(List.of(extra));
    TwinCli.Result r = twin.run(Duration.ofSeconds(90), null, args.toArray(String[]::new));
    assertThat(r.exitCode()).as("launch --detach: %s", r.describe()).isZero();
    List<String> out = r.stdoutLines();
    assertThat(out).as("stdout of launch --detach is the id alone: %s", r.describe()).hasSize(1);
    String id = out.get(0).strip();
    assertThat(id).as("the twin id").matches(ID);
    Matcher m = STARTED.matcher(r.stderr());
    assertThat(m.find()).as("'twin: started ID (twin pid N, supervisor pid M; ...)' on stderr: %s", r.describe())
        .isTrue();
    assertThat(m.group(1)).as("the id in the started line").isEqualTo(id);
    assertThat(r.stderr()).as("the attach hint").contains("twin: attach with: twin attach " + id)
        .contains("socat - UNIX-CONNECT:" + socket(twin, id));
    return new Detached(id, Long.parseLong(m.group(2)), Long.parseLong(m.group(3)), r);
  }

  static Path twinsDir(TwinCli twin) {
    return twin.runtimeDir().resolve("twins");
  }

  static Path twinDir(TwinCli twin, String id) {
    return twinsDir(twin).resolve(id);
  }

  static Path socket(TwinCli twin, String id) {
    return twinDir(twin, id).resolve("twin.sock");
  }

  /** The ids of the twin directories under the runtime dir right now. */
  static List<String> twinDirs(TwinCli twin) {
    Path dir = twinsDir(twin);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** Live supervisor processes of twin {@code id}: java with {@code twin.Main supervise --id ID}. */
  static List<Long> supervisorPids(String id) {
    List<Long> pids = new ArrayList<>();
    try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
      for (Path entry : (Iterable<Path>) entries::iterator) {
        String name = entry.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        String cmd = Host.cmdline(Long.parseLong(name));
        if (cmd.contains("twin.Main supervise --id " + id + " ")) {
          pids.add(Long.parseLong(name));
        }
      }
    } catch (IOException e) {
      throw new AssertionError("cannot list /proc", e);
    }
    return pids;
  }

  static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && !Host.cmdline(pid).isEmpty();
  }

  /** Processes still alive of a twin: its supervisor(s) and twin JVM(s) under the runtime dir. */
  static List<Long> leftovers(TwinCli twin, String id) {
    List<Long> pids = new ArrayList<>(supervisorPids(id));
    pids.addAll(Host.twinPids(twin.runtimeDir()).stream().filter(p -> Host.cmdline(p).contains(id)).toList());
    return pids;
  }

  /** Waits until no process of twin {@code id} lives and its directory is gone. */
  static void awaitGone(TwinCli twin, Detached d, Duration timeout, String why) {
    Host.await(timeout, "twin " + d.id() + " gone (" + why + ")",
        () -> !alive(d.supervisorPid()) && !alive(d.twinPid()) && leftovers(twin, d.id()).isEmpty()
            && !Files.exists(twinDir(twin, d.id()), LinkOption.NOFOLLOW_LINKS),
        () -> "alive: " + Host.describe(leftovers(twin, d.id())) + "\ntwin dirs: " + twinDirs(twin));
  }

  /**
   * Ends everything a test may have left: {@code stop --all} with the test's environment, then
   * SIGKILL of every supervisor of the given ids and of the ids found under the runtime dir, then
   * the twin JVMs under the runtime dir. Never throws.
   */
  static void cleanUp(TwinCli twin, List<String> ids) {
    if (twin == null) {
      return;
    }
    Set<String> all = new LinkedHashSet<>(ids);
    all.addAll(twinDirs(twin));
    try {
      twin.run(Duration.ofSeconds(30), null, "stop", "--all");
    } catch (AssertionError | RuntimeException e) {
      // best effort: the kills below do the rest
    }
    for (String id : all) {
      for (long pid : supervisorPids(id)) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
    try {
      twin.close();
    } catch (AssertionError | RuntimeException e) {
      // best effort
    }
    Host.killTwins(twin.runtimeDir());
  }

  static String perms(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
  }

  static void chmod(Path path, String perms) throws IOException {
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(perms));
  }

  /** Runs any command (not bin/twin) with {@code stdin} (null: closed at once), bounded by {@code timeout}. */
  static TwinCli.Result exec(Duration timeout, String stdin, String... command) {
    ProcessBuilder builder = new ProcessBuilder(command).directory(Path.of("/").toFile());
    try (Spawned p = Spawned.start(builder, stdin)) {
      return p.await(timeout);
    }
  }

  /** Single-quotes a word for sh. */
  static String sh(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }

  /** The text of a shell command that runs {@code bin/twin args...} with the CLI's environment. */
  static String shellCommand(TwinCli twin, String... args) {
    StringBuilder command = new StringBuilder("env");
    twin.environment().forEach((name, value) -> command.append(' ').append(name).append('=').append(sh(value)));
    command.append(' ').append(sh(Fixtures.twinScript().toString()));
    for (String arg : args) {
      command.append(' ').append(sh(arg));
    }
    return command.toString();
  }
}
