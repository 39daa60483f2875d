package twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the real {@code bin/twin} as a subprocess, as a user would, with a controlled environment:
 * PATH and JAVA_HOME kept, everything else dropped, and HOME and twin's runtime, state and cache
 * directories under a test's temp directory. {@link #close()} kills whatever it started.
 */
final class TwinCli implements AutoCloseable {
  /** What one run of {@code bin/twin} did. */
  record Result(int exitCode, String stdout, String stderr) {
    List<String> stdoutLines() {
      return stdout.lines().toList();
    }

    List<String> stderrLines() {
      return stderr.lines().toList();
    }

    /** Lines of stdout or stderr that belong to a Java stack trace. */
    List<String> stackTraceLines() {
      return (stdout + "\n" + stderr).lines()
          .filter(l -> l.startsWith("\tat ") || l.contains("Exception in thread"))
          .toList();
    }

    /** For assertion messages: everything the run printed. */
    String describe() {
      return "exit code " + exitCode + "\n--- stdout:\n" + stdout + "\n--- stderr:\n" + stderr;
    }
  }

  static final Duration LAUNCH_TIMEOUT = Duration.ofSeconds(60);

  private final Path runtimeDir;
  private final Path home;
  private final Map<String, String> env = new LinkedHashMap<>();
  private final List<Spawned> started = new ArrayList<>();
  private Path cwd = Fixtures.repo();

  /** A CLI whose HOME and twin directories live under {@code temp}. */
  TwinCli(Path temp) {
    this.runtimeDir = temp.resolve("runtime");
    this.home = temp.resolve("home");
    try {
      Files.createDirectories(home);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(Fixtures.twinHome().resolve("twin.jar"))
        .as("twin.jar; build first: mvn -q -B install -DskipTests").exists();
    keep("PATH");
    keep("JAVA_HOME");
    env.put("HOME", home.toString());
    env.put("TWIN_RUNTIME_DIR", runtimeDir.toString());
    env.put("TWIN_STATE_DIR", temp.resolve("state").toString());
    env.put("TWIN_CACHE_DIR", temp.resolve("cache").toString());
  }

  private void keep(String name) {
    String value = System.getenv(name);
    if (value != null) {
      env.put(name, value);
    }
  }

  /** Runs later commands with {@code dir} as their working directory (default: the repository). */
  TwinCli in(Path dir) {
    this.cwd = dir;
    return this;
  }

  /** Sets (or with null removes) a variable of the commands' environment. */
  TwinCli env(String name, String value) {
    if (value == null) {
      env.remove(name);
    } else {
      env.put(name, value);
    }
    return this;
  }

  Map<String, String> environment() {
    return Map.copyOf(env);
  }

  Path runtimeDir() {
    return runtimeDir;
  }

  Path home() {
    return home;
  }

  /**
   * Runs {@code bin/twin args...} with {@code stdin} piped in (null: empty), and waits for it;
   * past {@code timeout} its whole process tree is killed and the test fails.
   */
  Result run(Duration timeout, String stdin, String... args) {
    try (Spawned process = Spawned.start(builder(args), stdin)) {
      return process.await(timeout);
    }
  }

  /** {@link #run} with the usual launch timeout and no stdin. */
  Result run(String... args) {
    return run(LAUNCH_TIMEOUT, null, args);
  }

  /** Starts {@code bin/twin args...} in the background, stdin closed; killed by {@link #close()}. */
  Spawned start(String... args) {
    Spawned process = Spawned.start(builder(args), null);
    started.add(process);
    return process;
  }

  /** Starts any command in the same controlled environment plus {@code extraEnv}; killed by {@link #close()}. */
  Spawned spawn(Path dir, Map<String, String> extraEnv, String... command) {
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().clear();
    builder.environment().putAll(env);
    builder.environment().putAll(extraEnv);
    Spawned process = Spawned.start(builder, null);
    started.add(process);
    return process;
  }

  private ProcessBuilder builder(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Fixtures.twinScript().toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile());
    builder.environment().clear();
    builder.environment().putAll(env);
    return builder;
  }

  /** Kills everything this CLI started, and any twin JVM left in its runtime directory. */
  @Override
  public void close() {
    started.forEach(Spawned::close);
    Host.killTwins(runtimeDir);
    awaitArchives();
  }

  /**
   * Class-data archives are made by background training runs that outlive the command which
   * started them (bin/twin's for the launcher, the launcher's for a twin): wait until none is
   * writing under the cache dir, so the test's temp dir can be removed.
   */
  private void awaitArchives() {
    String cache = env.get("TWIN_CACHE_DIR");
    if (cache == null) {
      return;
    }
    Path cds = Path.of(cache, "cds");
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline && archiveInProgress(cds)) {
      Host.sleep(Duration.ofMillis(100));
    }
  }

  /** Whether a training run is writing an archive under {@code cds} (a lock, a .part, a temp name). */
  static boolean archiveInProgress(Path cds) {
    try (java.util.stream.Stream<Path> files = Files.list(cds)) {
      return files.map(p -> p.getFileName().toString())
          .anyMatch(n -> n.endsWith(".part") || n.endsWith(".lock") || n.matches(".*\\.jsa\\.\\d+"));
    } catch (IOException e) {
      return false;
    }
  }
}
