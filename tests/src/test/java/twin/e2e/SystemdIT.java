package twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped {@code systemd/twin@.service}, alone and with the drop-in {@code twin systemd
 * install} writes for the demo, passes {@code systemd-analyze verify} without a single warning and
 * {@code systemd-analyze security --offline} at exposure 1.5 or better. Both run against a
 * temp root, so no running systemd is needed.
 */
class SystemdIT {
  static final double MAX_EXPOSURE = 1.5;
  static final String INSTANCE = "twin@demo.service";
  private static final Pattern EXPOSURE = Pattern.compile("Overall exposure level for \\S+: (\\d+\\.\\d+)");

  @TempDir
  Path tmp;

  Path root;

  @BeforeEach
  void root() throws Exception {
    assertThat(Path.of("/usr/bin/systemd-analyze"))
        .as("systemd-analyze (package systemd) is needed for this test; install it: apt-get install systemd")
        .isExecutable();
    root = tmp.resolve("root");
    // verify fails unless ExecStart= names an executable inside the root.
    Path twin = Files.createDirectories(root.resolve("usr/bin")).resolve("twin");
    Files.writeString(twin, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(twin, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path units = Files.createDirectories(root.resolve("lib/systemd/system"));
    Files.copy(Fixtures.repo().resolve("systemd/twin@.service"), units.resolve("twin@.service"));
    Files.createDirectories(root.resolve("etc/systemd/system"));
  }

  @Test
  void theShippedTemplatePassesVerifyAndSecurity() {
    assertVerifies();
    String table = assertExposureAtMost(MAX_EXPOSURE);
    assertThat(table).contains("Service runs under a transient non-root user identity");
  }

  @Test
  void theTemplateWithTheDemosGeneratedDropInPassesVerifyAndSecurity() throws Exception {
    Path units = Files.createDirectories(tmp.resolve("units"));
    Files.copy(Fixtures.demoDir().resolve("demo.service"), units.resolve("demo.service"));
    try (TwinCli twin = new TwinCli(tmp)) {
      TwinCli.Result install = twin.run("systemd", "install", Fixtures.repo().resolve("profiles/demo.yaml").toString(),
          "--root", root.toString(), "--unit-path", units.toString());
      assertThat(install.exitCode()).as(install.describe()).isZero();
    }
    Path dropIn = root.resolve("etc/systemd/system/twin@demo.service.d/twin.conf");
    assertThat(dropIn).content().contains("User=demo\n", "WorkingDirectory=/opt/demo-service\n");

    assertVerifies();
    String table = assertExposureAtMost(MAX_EXPOSURE);
    // The drop-in was applied: the twin runs as the demo's own user, not a dynamic one.
    assertThat(table).contains("Service runs under a static non-root user identity");
  }

  @Test
  void theExecStartLineRunsASupervisorWhoseIdIsTheInstanceName() throws Exception {
    // What systemd does for twin@demo: the runtime dirs of RuntimeDirectory=, then ExecStart=.
    String unit = Files.readString(Fixtures.repo().resolve("systemd/twin@.service"));
    Matcher exec = Pattern.compile("(?m)^ExecStart=/usr/bin/twin (.*)$").matcher(unit);
    assertThat(exec.find()).as("ExecStart=/usr/bin/twin ... in twin@.service").isTrue();
    String[] args = exec.group(1).replace("%i", "demo").split(" ");
    Path runtime = tmp.resolve("run/twin/demo");
    for (Path dir : List.of(runtime, runtime.resolve("twins"), runtime.resolve("twins/demo"))) {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
    Path socket = runtime.resolve("twins/demo/twin.sock");
    try (TwinCli twin = new TwinCli(tmp)) {
      twin.env("TWIN_RUNTIME_DIR", runtime.toString())
          .env("TWIN_PROFILES", Fixtures.repo().resolve("profiles").toString());
      Spawned supervisor = twin.start(args);
      try {
        Host.await(Duration.ofSeconds(40), "the socket " + socket, () -> Files.exists(socket),
            () -> supervisor.stdout() + supervisor.stderr());

        TwinCli.Result eval = twin.run("eval", "demo", "(+ 1 2)");
        assertThat(eval.exitCode()).as(eval.describe()).isZero();
        assertThat(eval.stdout().strip()).isEqualTo("3");
        TwinCli.Result stop = twin.run("stop", "demo");
        assertThat(stop.exitCode()).as(stop.describe()).isZero();
        Host.await(Duration.ofSeconds(20), "the supervisor to end", () -> !supervisor.isAlive(),
            () -> supervisor.stdout() + supervisor.stderr());
      } finally {
        Host.killTwins(runtime);
      }
    }
  }

  private void assertVerifies() {
    TwinCli.Result verify = run("systemd-analyze", "verify", "--root=" + root, "--man=no",
        "--recursive-errors=no", INSTANCE);
    assertThat(verify.exitCode()).as(verify.describe()).isZero();
    // verify exits 0 even for unknown keys and bad values; any warning is on stderr.
    assertThat(verify.stderr()).as(verify.describe()).isEmpty();
  }

  private String assertExposureAtMost(double max) {
    TwinCli.Result security = run("systemd-analyze", "security", "--root=" + root, "--offline=true",
        "--no-pager", INSTANCE);
    assertThat(security.exitCode()).as(security.describe()).isZero();
    Matcher m = EXPOSURE.matcher(security.stdout());
    if (!m.find()) {
      fail("no 'Overall exposure level' in systemd-analyze security output:%n%s", security.describe());
    }
    assertThat(Double.parseDouble(m.group(1))).as(security.stdout()).isLessThanOrEqualTo(max);
    return security.stdout();
  }

  private TwinCli.Result run(String... command) {
    ProcessBuilder builder = new ProcessBuilder(List.of(command)).directory(tmp.toFile());
    builder.environment().clear();
    builder.environment().putAll(Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", "LANG", "C.UTF-8"));
    return Spawned.start(builder, null).await(Duration.ofSeconds(30));
  }
}
