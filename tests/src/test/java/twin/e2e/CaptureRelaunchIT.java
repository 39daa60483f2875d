package twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Capture and relaunch: the demo service in each launch style (-cp, -jar with a manifest
 * Class-Path, an @argfile, a lib/* wildcard, JAVA_TOOL_OPTIONS) and the Clojure fixture run live;
 * each is captured by --pid (live-linked) and by --match (--snapshot), and a twin of each profile
 * must see the live process's environment, classpath (less twin's own entries) and user.dir.
 * The live services are started once and shared: the machine has two cores.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CaptureRelaunchIT {
  static final String RUN = UUID.randomUUID().toString().substring(0, 8);

  @TempDir static Path temp;
  TwinCli twin;
  final Map<String, Live> services = new LinkedHashMap<>();

  /** One live service: its style name, the text --match finds it by, its secret, its extra jar entries. */
  record Live(String style, Spawned process, String match, String secret, List<String> manifestClassPath) {}

  @BeforeAll
  void startTheLiveServices() throws IOException {
    twin = new TwinCli(temp);
    Path demo = Fixtures.demoDir();
    Path demoJar = Fixtures.demoJar();
    Path sqlite = demo.resolve("target/lib/sqlite-jdbc.jar");
    assertThat(sqlite).as("the demo's lib; run: mvn -q -B install -DskipTests").exists();

    startDemo("cp", demo, Map.of(), List.of("java", "-Xmx64m", marker("cp"), "-cp",
        "target/demo-service.jar:target/lib/sqlite-jdbc.jar", "demo.DemoService"), marker("cp"), List.of());

    Path app = Files.createDirectories(temp.resolve("jar-app/lib"));
    Files.copy(demoJar, app.resolve("demo-service.jar"));
    Files.copy(sqlite, app.resolve("sqlite-jdbc.jar"));
    List<String> classPath = List.of("lib/demo-service.jar", "lib/sqlite-jdbc.jar");
    LiveProc.launcherJar(temp.resolve("jar-app/app.jar"), "demo.DemoService", classPath);
    startDemo("jar", temp.resolve("jar-app"), Map.of(), List.of("java", "-Xmx64m", marker("jar"), "-jar", "app.jar"),
        marker("jar"), classPath);

    Path argDir = Files.createDirectories(temp.resolve("argfile-app"));
    String argFile = "relaunch-" + RUN + ".args";
    Files.writeString(argDir.resolve(argFile), "-Xmx64m\n-cp \"" + demoJar + ":" + sqlite + "\"\ndemo.DemoService\n");
    startDemo("argfile", argDir, Map.of(), List.of("java", "@" + argFile), argFile, List.of());

    Path wild = Files.createDirectories(temp.resolve("wild-app/lib"));
    Files.copy(demoJar, wild.resolve("demo-service.jar"));
    Files.copy(sqlite, wild.resolve("sqlite-jdbc.jar"));
    startDemo("wildcard", temp.resolve("wild-app"), Map.of(),
        List.of("java", "-Xmx64m", marker("wildcard"), "-cp", "lib/*", "demo.DemoService"), marker("wildcard"), List.of());

    startDemo("tool-options", demo, Map.of("JAVA_TOOL_OPTIONS", "-Dcapture.tool=on -Dfile.encoding=UTF-8"),
        List.of("java", "-Xmx64m", marker("tool-options"), "-cp", "target/demo-service.jar:target/lib/sqlite-jdbc.jar",
            "demo.DemoService"), marker("tool-options"), List.of());

    String dbSecret = "fixture-pw-" + UUID.randomUUID();
    Spawned clojure = twin.spawn(Fixtures.repo(),
        Map.of("FIXTURE_PORT", "0", "FIXTURE_GREETING", "hej",
            "FIXTURE_DB_URL", "jdbc:postgresql://app:" + dbSecret + "@db.internal:5432/orders"),
        "java", "-Xmx64m", marker("clojure"), "-cp",
        "tests/fixtures/clojure-service/src:launcher/target/twin/clojure/*", "clojure.main", "-m", "fixture.main");
    services.put("clojure", new Live("clojure", clojure, marker("clojure"), dbSecret, List.of()));

    for (Live live : services.values()) {
      live.process().awaitStdout("listening", Duration.ofSeconds(90));
    }
  }

  @AfterAll
  void stopThem() {
    if (twin != null) {
      twin.close();
    }
  }

  static Stream<String> styles() {
    return Stream.of("cp", "jar", "argfile", "wildcard", "tool-options", "clojure");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("styles")
  void aLiveLinkedProfileByPidGivesTheTwinTheLiveLaunch(String style) throws Exception {
    Live live = services.get(style);
    Path profile = temp.resolve("profiles/" + style + "-live.yaml");
    Files.createDirectories(profile.getParent());

    TwinCli.Result capture = twin.run("capture", "--pid", Long.toString(live.process().pid()),
        "--name", style + "-live", "-o", profile.toString());

    assertThat(capture.exitCode()).as(capture.describe()).isZero();
    String yaml = Files.readString(profile);
    assertThat(yaml).as("a live-linked profile holds the source, not the launch")
        .contains("source:\n  pid: \"" + live.process().pid() + "\"")
        .doesNotContain(live.secret()).doesNotContain("classpath:").doesNotContain("env:");
    assertThat(ProfileSiblings.envFile(profile)).doesNotExist();
    assertTwinMatchesTheLiveProcess(live, profile);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("styles")
  void aSnapshotByMatchGivesTheTwinTheLiveLaunch(String style) throws Exception {
    Live live = services.get(style);
    Path profile = temp.resolve("profiles/" + style + "-snap.yaml");
    Files.createDirectories(profile.getParent());

    TwinCli.Result capture = twin.run("capture", "--match", live.match(), "--snapshot",
        "--name", style + "-snap", "-o", profile.toString());

    assertThat(capture.exitCode()).as(capture.describe()).isZero();
    String yaml = Files.readString(profile);
    assertThat(yaml).doesNotContain(live.secret()).doesNotContain("source:").contains("env-files:");
    Path envFile = ProfileSiblings.envFile(profile);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(envFile))).isEqualTo("rw-------");
    assertThat(Files.readString(envFile)).contains(live.secret());
    assertTwinMatchesTheLiveProcess(live, profile);
  }

  private void assertTwinMatchesTheLiveProcess(Live live, Path profile) {
    long pid = live.process().pid();
    TwinCli.Result r = twin.run("launch", profile.toString(), "-e", LiveProc.REPORT_FORM);

    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.stdout() + r.stderr()).as("no secret value is printed").doesNotContain(live.secret());
    LiveProc.Report report = LiveProc.Report.parse(r.stdout());

    Path liveCwd = LiveProc.cwd(pid);
    assertThat(report.userDir()).isEqualTo(liveCwd.toString());

    Map<String, String> liveEnv = new TreeMap<>(LiveProc.environ(pid));
    Map<String, String> twinEnv = new TreeMap<>(report.envHashes());
    assertThat(twinEnv).containsEntry("TWIN", LiveProc.sha256("1"))
        .containsEntry("TWIN_PROFILE", LiveProc.sha256(profile.getFileName().toString().replace(".yaml", "")));
    twinEnv.keySet().removeAll(List.of("TWIN", "TWIN_PROFILE", "TWIN_ID"));
    assertThat(twinEnv).as("the twin's environment (values as SHA-256) against /proc/%d/environ", pid)
        .isEqualTo(LiveProc.hashed(liveEnv));

    List<String> expected = new ArrayList<>(LiveProc.absolute(liveCwd, LiveProc.initialClasspath(pid)));
    if (!live.manifestClassPath().isEmpty()) {
      Path jarDir = Path.of(expected.get(0)).getParent();
      expected.addAll(LiveProc.absolute(jarDir, live.manifestClassPath()));
    }
    List<String> twinCp = report.classpath();
    assertThat(twinCp.size()).as("twin classpath %s", twinCp).isGreaterThan(expected.size());
    assertThat(twinCp.subList(0, expected.size())).as("the service's classpath comes first, as the live JVM has it")
        .isEqualTo(expected);
    String home = Fixtures.twinHome().toString();
    assertThat(twinCp.subList(expected.size(), twinCp.size())).as("then only twin's own entries")
        .allMatch(e -> e.equals(home + "/twin-runtime.jar") || e.startsWith(home + "/clojure/"))
        .contains(home + "/twin-runtime.jar");
    assertThat(live.process().isAlive()).as("the live service is left alone").isTrue();
  }

  private static String marker(String style) {
    return "-Dcapture.relaunch=" + RUN + "-" + style;
  }

  private void startDemo(String style, Path dir, Map<String, String> extraEnv, List<String> command, String match,
      List<String> manifestClassPath) {
    String token = "relaunch-token-" + UUID.randomUUID();
    Map<String, String> env = new LinkedHashMap<>(extraEnv);
    env.put("DEMO_PORT", Integer.toString(Host.freePort()));
    env.put("DEMO_DB_PATH", temp.resolve(style + ".db").toString());
    env.put("DEMO_API_TOKEN", token);
    Spawned process = twin.spawn(dir, env, command.toArray(String[]::new));
    services.put(style, new Live(style, process, match, token, manifestClassPath));
  }

  /** Where twin capture puts a snapshot's secrets: beside the profile, .yaml replaced by .env. */
  static final class ProfileSiblings {
    static Path envFile(Path profile) {
      return profile.resolveSibling(profile.getFileName().toString().replaceFirst("\\.yaml$", ".env"));
    }
  }
}
