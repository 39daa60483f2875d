package twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Launched as root, the twin JVM runs as the profile's user (through setpriv), never as root:
 * checked with ps on the live twin process. CI runs as root; elsewhere this test fails and says
 * why rather than skipping.
 */
@Timeout(120)
class RootUserIT {
  private static final String USER = "twin-it-user";

  private Path base;
  private TwinCli twin;

  @BeforeEach
  void setUp() throws Exception {
    assertThat(run("id", "-u").strip()).as("RootUserIT must run as root (CI does): it creates a user and switches to it")
        .isEqualTo("0");
    if (!run("id", "-u", USER).strip().matches("\\d+")) {
      run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", USER);
    }
    // Everything the twin user reads must be reachable by it: a 0755 tree outside the 0700 temp dirs.
    base = Files.createTempDirectory(Path.of("/tmp"), "twin-root-it-");
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
    Fixtures.copyWorldReadable(Fixtures.twinHome(), base.resolve("home"));
    Fixtures.copyWorldReadable(Fixtures.demoDir().resolve("target/lib"), base.resolve("app/lib"));
    Files.copy(Fixtures.demoJar(), base.resolve("app/demo-service.jar"));
    twin = new TwinCli(Files.createDirectories(base.resolve("cli")))
        .env("TWIN_HOME", base.resolve("home").toString())
        .env("TWIN_RUNTIME_DIR", base.resolve("run").toString());
  }

  @AfterEach
  void tearDown() throws Exception {
    if (twin != null) {
      twin.close();
      Host.killTwins(base.resolve("run"));
    }
    if (base != null) {
      try (Stream<Path> paths = Files.walk(base)) {
        paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void theTwinRunsAsTheProfilesUserNotAsRoot() throws Exception {
    Path profile = Fixtures.writeProfile(base.resolve("profiles"), "asuser", String.join("\n",
        "name: asuser",
        "workdir: " + Fixtures.q(base.resolve("app")),
        "jar: demo-service.jar",
        "user: " + USER,
        "env: {DEMO_API_TOKEN: \"not-a-secret-for-tests\", DEMO_DB_PATH: \"/nonexistent/demo.db\"}",
        ""));

    Spawned launch = twin.start("launch", profile.toString(), "-e", "(System/getProperty \"user.name\")",
        "-e", "(Thread/sleep 4000)");
    Host.await(Duration.ofSeconds(30), "a twin process", () -> !Host.twinPids(base.resolve("run")).isEmpty(),
        launch::dump);
    long pid = Host.twinPids(base.resolve("run")).get(0);
    String owner = run("ps", "-o", "user=", "-p", Long.toString(pid)).strip();
    assertThat(owner).as("user of twin pid " + pid + " (ps)").isEqualTo(USER);

    TwinCli.Result result = launch.await(Duration.ofSeconds(60));
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout()).contains("\"" + USER + "\"");
    assertThat(Host.twinPids(base.resolve("run"))).isEmpty();

    // The twin user had to pass through the runtime dir: 0711, which doctor takes as twin's own.
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(base.resolve("run"))))
        .isEqualTo("rwx--x--x");
    TwinCli.Result doctor = twin.run(Duration.ofSeconds(30), null, "doctor");
    assertThat(doctor.stdout()).as(doctor.describe())
        .contains("  ok    runtime dir " + base.resolve("run") + " (rwx--x--x; search only, no listing")
        .doesNotContain("FAIL");
    assertThat(doctor.exitCode()).as(doctor.describe()).isZero();
  }

  private static String run(String... command) {
    Host.Ran r = Host.run(new ProcessBuilder(command).redirectErrorStream(true), Duration.ofSeconds(30));
    assertThat(r.ended()).as(String.join(" ", command)).isTrue();
    return r.text();
  }
}
