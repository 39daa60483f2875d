package twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The twin JVM never outlives its launcher, however the launcher ends. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class NoOrphanIT {
  @TempDir Path temp;
  TwinCli twin;

  @BeforeEach
  void setUp() {
    twin = new TwinCli(temp);
  }

  @AfterEach
  void tearDown() {
    twin.close();
  }

  @ParameterizedTest(name = "SIG{0}")
  @CsvSource({"TERM, 10", "HUP, 10", "KILL, 5"})
  void twinEndsWhenTheLauncherIsKilled(String signal, int seconds) {
    Spawned launcher = twin.start("launch", "demo", "-e", "(do (println \"sleeping\") (flush) (Thread/sleep 120000))");
    // Signal once the twin is connected and evaluating, not while it is still starting.
    launcher.awaitStdout("sleeping", Duration.ofSeconds(60));
    List<Long> twins = Host.twinPids(twin.runtimeDir());
    assertThat(twins).as("one twin JVM").hasSize(1);
    // bin/twin execs java: the process we started is the launcher JVM itself.
    assertThat(Host.cmdline(launcher.pid())).as("the launcher's command line").contains("twin.jar").doesNotContain(Host.TWIN_MAIN);
    assertThat(ProcessHandle.of(twins.get(0)).flatMap(ProcessHandle::parent).map(ProcessHandle::pid))
        .as("the twin is the launcher's child").contains(launcher.pid());

    Host.signal(launcher.pid(), signal);

    Host.await(Duration.ofSeconds(seconds), "no twin JVM left after SIG" + signal + " of the launcher",
        () -> Host.twinPids(twin.runtimeDir()).isEmpty(),
        () -> Host.describe(Host.twinPids(twin.runtimeDir())) + launcher.dump());
    Host.await(Duration.ofSeconds(10), "the launcher to end", () -> !launcher.isAlive(), launcher::dump);
  }

  @Test
  void normalExitEndsTheTwinAndRemovesItsPrivateDirectory() {
    TwinCli.Result r = twin.run("launch", "demo",
        "-e", "(System/getProperty \"java.io.tmpdir\")",
        "-e", "(.isDirectory (.getParentFile (java.io.File. (System/getProperty \"java.io.tmpdir\"))))");

    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.stdoutLines()).as(r.describe()).hasSize(2).endsWith("true");
    Path tmpdir = Path.of(r.stdoutLines().get(0).replace("\"", ""));
    assertThat(tmpdir).as("the twin's java.io.tmpdir is in its private directory under the runtime dir")
        .startsWithRaw(twin.runtimeDir());
    Path privateDir = twin.runtimeDir().resolve(twin.runtimeDir().relativize(tmpdir).getName(0));
    assertThat(privateDir).as("the private directory, after the twin ended").doesNotExist();
    assertThat(entries(twin.runtimeDir())).as("what is left in the runtime dir").isEmpty();
    assertThat(Host.twinPids(twin.runtimeDir())).as("twin JVMs left").isEmpty();
  }

  private static List<Path> entries(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> list = Files.list(dir)) {
      return list.toList();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
