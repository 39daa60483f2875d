package twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A write the file system denies is "not permitted", exit 3, whichever command writes: {@code
 * twin systemd install} and {@code twin capture -o}, run by a user other than root into root's
 * directories. Needs root (CI runs as root) to make that user.
 */
class WriteDeniedIT {
  private static final String USER = "twin-it-writer";
  private static final Duration STEP = Duration.ofSeconds(60);

  private Path base;
  private TwinCli twin;

  @BeforeEach
  void setUp() throws Exception {
    SystemUsers.requireRoot("WriteDeniedIT must run as root (CI does): it creates a user and switches to it");
    SystemUsers.systemUser(USER);
    base = Files.createTempDirectory(Path.of("/tmp"), "twin-write-denied-");
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
    SystemUsers.copyClient(base);
    Fixtures.copyWorldReadable(Fixtures.repo().resolve("profiles"), base.resolve("profiles"));
    Path units = Files.createDirectories(base.resolve("units"));
    Files.copy(Fixtures.demoDir().resolve("demo.service"), units.resolve("demo.service"));
    Files.setPosixFilePermissions(units.resolve("demo.service"), PosixFilePermissions.fromString("rw-r--r--"));
    // root's, 0755: the user may read, not write.
    for (Path dir : List.of(Files.createDirectories(base.resolve("root/etc")), base.resolve("root"), units)) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    twin = new TwinCli(Files.createDirectories(base.resolve("cli")));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (twin != null) {
      twin.close();
    }
    if (base != null) {
      try (Stream<Path> paths = Files.walk(base)) {
        paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void systemdInstallAndCaptureAreBothExit3() {
    Path dropIn = base.resolve("root/etc/systemd/system/twin@demo.service.d/twin.conf");
    TwinCli.Result install = asUser("systemd", "install", base.resolve("profiles/demo.yaml").toString(),
        "--root", base.resolve("root").toString(), "--unit-path", base.resolve("units").toString());
    assertThat(install.exitCode()).as(install.describe()).isEqualTo(3);
    assertThat(install.stderrLines()).as(install.describe()).filteredOn(l -> !l.startsWith("twin: warning:"))
        .containsExactly("twin: error: cannot write " + dropIn + ": permission denied");
    assertThat(install.stdout()).as(install.describe()).isEmpty();

    Path profile = base.resolve("root/etc/demo.yaml");
    TwinCli.Result capture = asUser("capture", "--unit", "demo.service", "--unit-path", base.resolve("units").toString(),
        "-o", profile.toString());
    assertThat(capture.exitCode()).as(capture.describe()).isEqualTo(3);
    assertThat(capture.stderrLines()).as(capture.describe()).filteredOn(l -> !l.startsWith("twin: warning:"))
        .containsExactly("twin: error: cannot write " + profile + ": permission denied");
    assertThat(profile).doesNotExist();
  }

  private TwinCli.Result asUser(String... args) {
    List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + USER, "--regid=" + USER, "--init-groups",
        base.resolve("bin/twin").toString()));
    command.addAll(List.of(args));
    Map<String, String> env = Map.of(
        "HOME", base.resolve("cli").toString(),
        "TWIN_HOME", base.resolve("home").toString(),
        "TWIN_RUNTIME_DIR", base.resolve("run").toString(),
        "TWIN_STATE_DIR", base.resolve("state").toString(),
        "TWIN_CACHE_DIR", base.resolve("cache").toString());
    return twin.spawn(base, env, command.toArray(String[]::new)).await(STEP);
  }
}
