package twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code twin capture} of the live demo service, and a twin launched from what it wrote. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CaptureIT {
  static final String TOKEN = "capture-it-token-" + UUID.randomUUID();
  static final String LIVE_CLASSPATH = "target/demo-service.jar:target/lib/sqlite-jdbc.jar";

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

  /** The live demo, started as a -cp service with a relative classpath; {@code marker} is in its command line. */
  private Spawned startLiveDemo(int port, String marker) {
    assertThat(Fixtures.demoDir().resolve("target/lib/sqlite-jdbc.jar"))
        .as("the demo's lib; run: mvn -q -B install -DskipTests").exists();
    Spawned live = twin.spawn(Fixtures.demoDir(),
        Map.of("DEMO_PORT", Integer.toString(port), "DEMO_DB_PATH", temp.resolve("live.db").toString(),
            "DEMO_API_TOKEN", TOKEN),
        "java", "-Xmx64m", "-Dcapture.it=" + marker, "-cp", LIVE_CLASSPATH, "demo.DemoService");
    live.awaitStdout("listening", Duration.ofSeconds(20));
    return live;
  }

  @Test
  void capturesTheLiveServiceByPidAndLaunchesATwinOfIt() throws Exception {
    int port = Host.freePort();
    Spawned live = startLiveDemo(port, "pid-" + UUID.randomUUID());
    Path profile = temp.resolve("demo-live.yaml");

    TwinCli.Result capture = twin.run("capture", "--pid", Long.toString(live.pid()), "--snapshot", "-o", profile.toString());

    assertThat(capture.exitCode()).as(capture.describe()).isZero();
    assertThat(capture.stderrLines()).as(capture.describe()).containsExactly(
        "twin: wrote " + profile + " (and " + temp.resolve("demo-live.env") + ", 0600, with 1 secret variable)",
        "twin: try: twin launch " + profile + " --dry-run");
    assertSecretsKeptApart(profile, temp.resolve("demo-live.env"));
    assertThat(Files.readString(profile)).contains("\"demo.DemoService\"", "\"target/demo-service.jar\"",
        "\"" + Fixtures.demoDir() + "\"");

    TwinCli.Result r = twin.run("launch", profile.toString(),
        "-e", "(System/getenv \"DEMO_PORT\")",
        "-e", "(System/getProperty \"user.dir\")",
        "-e", "(System/getProperty \"java.class.path\")");

    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.stdout() + r.stderr()).doesNotContain(TOKEN);
    assertThat(r.stdoutLines()).as(r.describe()).hasSize(3);
    assertThat(r.stdoutLines().get(0)).isEqualTo("\"" + port + "\"");
    assertThat(r.stdoutLines().get(1)).isEqualTo("\"" + Fixtures.demoDir() + "\"");
    String liveClasspath = Fixtures.demoDir().resolve("target/demo-service.jar") + ":"
        + Fixtures.demoDir().resolve("target/lib/sqlite-jdbc.jar");
    assertThat(r.stdoutLines().get(2)).startsWith("\"" + liveClasspath + ":");
    assertThat(live.isAlive()).as("the live service is left alone").isTrue();
    assertThat(Host.httpGet(port, "/health")).startsWith("200");
  }

  @Test
  void capturesTheLiveServiceByMatch() throws Exception {
    String marker = "match-" + UUID.randomUUID();
    startLiveDemo(Host.freePort(), marker);
    Path profile = temp.resolve("by-match.yml");

    TwinCli.Result capture = twin.run("capture", "--match", marker, "--snapshot", "--name", "demo-live", "-o",
        profile.toString());

    assertThat(capture.exitCode()).as(capture.describe()).isZero();
    assertSecretsKeptApart(profile, temp.resolve("by-match.env"));
    assertThat(Files.readString(profile)).contains("name: \"demo-live\"", "-Dcapture.it=" + marker);
    TwinCli.Result validate = twin.run("profiles", "validate", profile.toString());
    assertThat(validate.exitCode()).as(validate.describe()).isZero();
  }

  @Test
  void byDefaultTheProfileIsLiveLinkedAndHoldsNoSecretSoStdoutIsFine() throws Exception {
    String marker = "linked-" + UUID.randomUUID();
    Spawned live = startLiveDemo(Host.freePort(), marker);

    TwinCli.Result r = twin.run("capture", "--match", marker, "--name", "demo-linked");

    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.stderr()).isEmpty();
    assertThat(r.stdout()).doesNotContain(TOKEN).contains("name: \"demo-linked\"\nsource:\n  match: \"" + marker + "\"\n")
        .contains("# It runs: demo.DemoService");
    Path profile = Files.writeString(temp.resolve("demo-linked.yaml"), r.stdout());
    TwinCli.Result show = twin.run("profiles", "show", profile.toString());
    assertThat(show.exitCode()).as(show.describe()).isZero();
    assertThat(show.stdout()).doesNotContain(TOKEN).contains("DEMO_API_TOKEN: \"***\"", "\"demo.DemoService\"",
        "-Dcapture.it=" + marker, "\"" + Fixtures.demoDir() + "\"");

    TwinCli.Result dryRun = twin.run("launch", profile.toString(), "--dry-run");
    assertThat(dryRun.exitCode()).as(dryRun.describe()).isZero();
    assertThat(dryRun.stdout()).doesNotContain(TOKEN).contains("DEMO_API_TOKEN='***'", "-Dcapture.it=" + marker);
    // validate reads the live service as a launch does (it checked the bare profile, whose classpath is empty).
    TwinCli.Result validate = twin.run("profiles", "validate", profile.toString());
    assertThat(validate.stdoutLines()).as(validate.describe()).containsExactly(profile + ": ok");
    assertThat(validate.exitCode()).as(validate.describe()).isZero();

    TwinCli.Result byPid = twin.run("capture", "--pid", Long.toString(live.pid()));
    assertThat(byPid.exitCode()).as(byPid.describe()).isZero();
    assertThat(byPid.stdout()).contains("source:\n  pid: \"" + live.pid() + "\"");
    assertThat(byPid.stderrLines()).containsExactly("twin: warning: source pid: " + live.pid()
        + " stops working when the service restarts; prefer source: {pid-file: ...} or {match: ...}");
  }

  @Test
  void theReadmeExampleMatchesAJarServiceByTheMainClassItsManifestNames() throws Exception {
    // The README's twin capture --match demo.DemoService is run against the demo as its run script
    // starts it, java -jar target/demo-service.jar: that text is the jar's Main-Class, in no command
    // line. Other JVMs on the host may run the demo too (other checkouts' tests), so the service here
    // is a jar like it whose Main-Class is this test's own.
    try (JarFile demo = new JarFile(Fixtures.demoJar().toFile())) {
      assertThat(demo.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo("demo.DemoService");
    }
    String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String main = "CaptureItLaunch" + id;
    String jar = "svc-" + id + ".jar";
    Path app = temp.resolve("app");
    Path lib = Files.createDirectories(app.resolve("lib"));
    Files.copy(Fixtures.demoJar(), lib.resolve("demo-service.jar"));
    Files.copy(Fixtures.demoDir().resolve("target/lib/sqlite-jdbc.jar"), lib.resolve("sqlite-jdbc.jar"));
    LiveProc.demoLauncherJar(app.resolve(jar), main, "CaptureItStart" + id,
        List.of("lib/demo-service.jar", "lib/sqlite-jdbc.jar"));
    Spawned live = twin.spawn(app, Map.of("DEMO_PORT", Integer.toString(Host.freePort()),
        "DEMO_DB_PATH", temp.resolve("live.db").toString(), "DEMO_API_TOKEN", TOKEN), "java", "-Xmx64m", "-jar", jar);
    live.awaitStdout("listening", Duration.ofSeconds(20));
    Path profile = temp.resolve("demo-live.yaml");

    TwinCli.Result capture = twin.run("capture", "--match", main, "-o", profile.toString());

    assertThat(capture.exitCode()).as(capture.describe()).isZero();
    assertThat(capture.stderrLines()).as(capture.describe()).containsExactly(
        "twin: wrote " + profile + " (live-linked: read from the service at each launch)",
        "twin: try: twin launch " + profile + " --dry-run");
    assertThat(Files.readString(profile)).doesNotContain(TOKEN)
        .contains("written by twin capture from pid " + live.pid() + " (user ", "# It runs: -jar " + jar + "\n",
            "source:\n  match: \"" + main + "\"\n");

    TwinCli.Result dryRun = twin.run("launch", profile.toString(), "--dry-run");
    assertThat(dryRun.exitCode()).as("the source is matched again at launch%n%s", dryRun.describe()).isZero();
    assertThat(dryRun.stdout()).doesNotContain(TOKEN).contains("workdir:  " + app + "\n");
    assertThat(Fixtures.planClasspath(dryRun.stdout())).contains(app.resolve(jar).toString(),
        app.resolve("lib/demo-service.jar").toString());
  }

  @Test
  void aUnitIsCapturedLiveLinkedAndItsFileIsReadAgainAtLaunch() throws Exception {
    int port = Host.freePort();
    Path units = Files.createDirectories(temp.resolve("units"));
    Path envFile = Files.writeString(temp.resolve("unit.env"), "DEMO_API_TOKEN=" + TOKEN + "\n");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path unit = units.resolve("capture-it-demo.service");
    Files.writeString(unit, "[Service]\n"
        + "ExecStart=" + java + " -Xmx64m -cp target/demo-service.jar:target/lib/sqlite-jdbc.jar demo.DemoService\n"
        + "WorkingDirectory=" + Fixtures.demoDir() + "\n"
        + "Environment=\"DEMO_PORT=" + port + "\" DEMO_DB_PATH=" + temp.resolve("unit.db") + "\n"
        + "EnvironmentFile=-" + temp.resolve("missing.env") + "\n"
        + "EnvironmentFile=" + envFile + "\n");
    twin.env("TWIN_UNIT_PATH", units.toString());
    // Named after its file, as twin launch finds it: the unit's name here too.
    Path profile = temp.resolve("capture-it-demo.yaml");

    TwinCli.Result capture = twin.run("capture", "--unit", "capture-it-demo", "-o", profile.toString());

    assertThat(capture.exitCode()).as(capture.describe()).isZero();
    assertThat(Files.readString(profile)).contains("name: \"capture-it-demo\"\nsource:\n  systemd-unit: "
        + "\"capture-it-demo.service\"\n").doesNotContain(TOKEN);
    TwinCli.Result first = twin.run("launch", profile.toString(), "-e", "(System/getenv \"DEMO_PORT\")",
        "-e", "(System/getProperty \"user.dir\")", "-e", "(System/getenv \"DEMO_API_TOKEN\")");
    assertThat(first.exitCode()).as(first.describe()).isZero();
    assertThat(first.stdoutLines()).as(first.describe())
        .containsExactly("\"" + port + "\"", "\"" + Fixtures.demoDir() + "\"", "\"***\"");
    assertThat(first.stdout() + first.stderr()).doesNotContain(TOKEN);

    Files.writeString(unit, Files.readString(unit).replace("DEMO_PORT=" + port, "DEMO_PORT=1" + port));
    TwinCli.Result second = twin.run("launch", profile.toString(), "-e", "(System/getenv \"DEMO_PORT\")");
    assertThat(second.stdoutLines()).as("the unit is read again: %s", second.describe())
        .containsExactly("\"1" + port + "\"");

    Files.delete(unit);
    TwinCli.Result gone = twin.run("launch", profile.toString(), "--dry-run");
    assertThat(gone.exitCode()).as(gone.describe()).isEqualTo(2);
    assertThat(gone.stderrLines()).containsExactly("twin: error: profile 'capture-it-demo', source systemd-unit: "
        + "capture-it-demo.service (" + profile + ":7:17): unit capture-it-demo.service not found (searched: " + units
        + "); start the service, or capture a self-contained profile with twin capture --snapshot");
  }

  @Test
  void anExistingProfileOrEnvFileIsRefusedBeforeAnythingIsWrittenAndALinkEvenWithForce() throws Exception {
    Spawned live = startLiveDemo(Host.freePort(), "exists-" + UUID.randomUUID());
    Path dir = Files.createDirectories(temp.resolve("e"));
    Path profile = dir.resolve("orders.yaml");
    // Perhaps the service's own EnvironmentFile: its content, mode and inode must survive.
    Path envFile = Files.writeString(dir.resolve("orders.env"), "SERVICE_OWN=1\n");
    Files.setPosixFilePermissions(envFile, PosixFilePermissions.fromString("rw-r-----"));
    Object inode = Files.getAttribute(envFile, "unix:ino");
    String pid = Long.toString(live.pid());

    TwinCli.Result refused = twin.run("capture", "--pid", pid, "--snapshot", "-o", profile.toString());

    assertThat(refused.exitCode()).as(refused.describe()).isEqualTo(2);
    assertThat(refused.stderrLines()).as(refused.describe()).containsExactly("twin: error: " + envFile
        + " (the env file for the secrets of " + profile + ") already exists; give another -o FILE, or add --force "
        + "to replace it");
    assertThat(profile).doesNotExist();
    assertThat(Files.readString(envFile)).isEqualTo("SERVICE_OWN=1\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(envFile))).isEqualTo("rw-r-----");
    assertThat(Files.getAttribute(envFile, "unix:ino")).isEqualTo(inode);

    TwinCli.Result forced = twin.run("capture", "--pid", pid, "--snapshot", "-o", profile.toString(), "--force");
    assertThat(forced.exitCode()).as(forced.describe()).isZero();
    assertSecretsKeptApart(profile, envFile);
    assertThat(Files.readString(profile)).contains("name: \"orders\"");

    String written = Files.readString(profile);
    TwinCli.Result again = twin.run("capture", "--pid", pid, "-o", profile.toString());
    assertThat(again.exitCode()).as(again.describe()).isEqualTo(2);
    assertThat(again.stderrLines()).containsExactly("twin: error: " + profile
        + " already exists; give another -o FILE, or add --force to replace it");
    assertThat(Files.readString(profile)).isEqualTo(written);

    Path target = Files.writeString(temp.resolve("elsewhere.env"), "OTHER=1\n");
    Files.delete(envFile);
    Files.createSymbolicLink(envFile, target);
    TwinCli.Result link = twin.run("capture", "--pid", pid, "--snapshot", "-o", profile.toString(), "--force");
    assertThat(link.exitCode()).as(link.describe()).isEqualTo(2);
    assertThat(link.stderrLines()).containsExactly("twin: error: " + envFile + " is a symbolic link; twin never "
        + "writes through or replaces one, even with --force: remove it, or give another -o FILE");
    assertThat(Files.isSymbolicLink(envFile)).isTrue();
    assertThat(Files.readString(target)).isEqualTo("OTHER=1\n");
    assertThat(Files.readString(profile)).isEqualTo(written);
    try (var files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString())).as("no temporary file is left behind")
          .containsExactlyInAnyOrder("orders.yaml", "orders.env");
    }
    Files.delete(envFile); // @TempDir warns about links that lead out of it
  }

  @Test
  void aSnapshotOnStdoutIsRefusedWhenTheServiceHasSecrets() {
    Spawned live = startLiveDemo(Host.freePort(), "stdout-" + UUID.randomUUID());

    TwinCli.Result r = twin.run("capture", "--pid", Long.toString(live.pid()), "--snapshot");

    assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
    assertThat(r.stdout()).isEmpty();
    assertThat(r.stderr()).as(r.describe())
        .startsWith("twin: error: the environment holds secrets (DEMO_API_TOKEN); use -o FILE")
        .doesNotContain(TOKEN);
  }

  @Test
  void aMatchOfSeveralJvmsListsThemAndCapturesNothing() {
    String marker = "twice-" + UUID.randomUUID();
    Spawned first = startLiveDemo(Host.freePort(), marker);
    Spawned second = startLiveDemo(Host.freePort(), marker);
    Path profile = temp.resolve("ambiguous.yaml");

    TwinCli.Result r = twin.run("capture", "--match", marker, "-o", profile.toString());

    assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
    assertThat(r.stderrLines()).as(r.describe()).hasSize(4);
    assertThat(r.stderrLines().get(0)).startsWith("PID").contains("USER").contains("RUNS");
    assertThat(r.stderr()).contains(first.pid() + " ").contains(second.pid() + " ").contains("demo.DemoService")
        .contains("twin: error: 2 JVMs have '" + marker + "' in their command line or as their jar's Main-Class; "
            + "pick one with --pid");
    assertThat(profile).doesNotExist();
  }

  @Test
  void aPidThatDoesNotExist() {
    TwinCli.Result r = twin.run("capture", "--pid", "999999");

    assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
    assertThat(r.stderrLines()).containsExactly("twin: error: no process with pid 999999");
  }

  @Test
  void aProcessThatIsNotAJvm() {
    Spawned sleep = twin.spawn(temp, Map.of(), "sleep", "30");

    TwinCli.Result r = twin.run("capture", "--pid", Long.toString(sleep.pid()));

    assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
    assertThat(r.stderrLines()).hasSize(1);
    assertThat(r.stderr()).as(r.describe()).startsWith("twin: error: process " + sleep.pid() + " runs 'sleep', not java")
        .contains("--pid").contains("--match");
  }

  @Test
  void aMatchThatFindsNothing() {
    TwinCli.Result r = twin.run("capture", "--match", "no-such-jvm-" + UUID.randomUUID());

    assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
    assertThat(r.stderr()).startsWith("twin: error: no JVM has ");
  }

  private static void assertSecretsKeptApart(Path profile, Path envFile) throws Exception {
    assertThat(Files.readString(profile)).doesNotContain(TOKEN).contains("env-files:", envFile.getFileName().toString());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(envFile))).isEqualTo("rw-------");
    assertThat(Files.readString(envFile)).contains("DEMO_API_TOKEN=\"" + TOKEN + "\"");
  }
}
