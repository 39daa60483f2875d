package twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code twin diff}: a profile against the live service, after a redeploy, without printing a secret. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DiffIT {
  @TempDir Path temp;
  TwinCli twin;
  Path app;
  String marker;
  int port;

  @BeforeEach
  void setUp() throws Exception {
    twin = new TwinCli(temp);
    app = Files.createDirectories(temp.resolve("app/lib"));
    Files.copy(Fixtures.demoJar(), app.resolve("demo-service.jar"));
    Files.copy(Fixtures.demoDir().resolve("target/lib/sqlite-jdbc.jar"), app.resolve("sqlite-jdbc.jar"));
    marker = "-Ddiff.it=" + UUID.randomUUID();
    port = Host.freePort();
  }

  @AfterEach
  void tearDown() {
    twin.close();
  }

  private Spawned startLive(String token, Map<String, String> extraEnv) throws Exception {
    Map<String, String> env = new LinkedHashMap<>(extraEnv);
    env.put("DEMO_PORT", Integer.toString(port));
    env.put("DEMO_DB_PATH", temp.resolve("live.db").toString());
    env.put("DEMO_API_TOKEN", token);
    Spawned live = twin.spawn(temp.resolve("app"), env, "java", "-Xmx64m", marker, "-cp", "lib/*", "demo.DemoService");
    live.awaitStdout("listening", Duration.ofSeconds(60));
    Files.writeString(temp.resolve("app/demo.pid"), live.pid() + "\n");
    return live;
  }

  @Test
  void anUnchangedServiceThenAReplacedJarThenARedeployWithANewVariableAndSecret() throws Exception {
    String oldToken = "diff-old-token-" + UUID.randomUUID();
    String newToken = "diff-new-token-" + UUID.randomUUID();
    Spawned live = startLive(oldToken, Map.of());
    Path snapshot = temp.resolve("snap.yaml");
    Path linked = temp.resolve("linked.yaml");
    TwinCli.Result capture = twin.run("capture", "--match", marker, "--snapshot", "--name", "snap", "-o", snapshot.toString());
    assertThat(capture.exitCode()).as(capture.describe()).isZero();
    Files.writeString(linked, "name: linked\nsource:\n  pid-file: app/demo.pid\n");

    TwinCli.Result same = twin.run("diff", snapshot.toString(), "--match", marker);
    assertThat(same.exitCode()).as(same.describe()).isZero();
    assertThat(same.stdoutLines()).as(same.describe()).hasSize(1);
    assertThat(same.stdout()).startsWith("no drift: profile 'snap' (" + snapshot + ") against pid " + live.pid());
    TwinCli.Result sameLinked = twin.run("diff", linked.toString());
    assertThat(sameLinked.exitCode()).as(sameLinked.describe()).isZero();
    TwinCli.Result sameJson = twin.run("diff", snapshot.toString(), "--pid", Long.toString(live.pid()), "--json");
    assertThat(sameJson.exitCode()).as(sameJson.describe()).isZero();
    assertThat(sameJson.stdout()).contains("\"pid\":" + live.pid() + ",\"same\":true,\"classpath\":[],\"jvmOptions\":[],"
        + "\"env\":[],\"settings\":[]");

    // A deploy replaces the jar under the running service.
    Path jar = app.resolve("demo-service.jar");
    LiveProc.jarWithExtraEntry(Fixtures.demoJar(), temp.resolve("new.jar"), "drift/marker.txt");
    Files.move(temp.resolve("new.jar"), jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

    TwinCli.Result replaced = twin.run("diff", snapshot.toString(), "--match", marker);
    assertThat(replaced.exitCode()).as(replaced.describe()).isEqualTo(1);
    assertThat(replaced.stdoutLines()).as(replaced.describe()).containsSubsequence(
        "drift: profile 'snap' (" + snapshot + ") against pid " + live.pid() + " (user root, started "
            + replaced.stdoutLines().get(0).replaceFirst(".*started ", ""),
        "classpath:");
    assertThat(replaced.stdout()).contains("  ~ " + jar + ": replaced since the service opened it (it still runs the old file; now ");
    assertThat(replaced.stdout()).doesNotContain("jvm-options:").doesNotContain("env:");
    TwinCli.Result linkedSeesIt = twin.run("diff", linked.toString(), "--json");
    assertThat(linkedSeesIt.exitCode()).as("a live-linked profile is told of the replaced jar too%n%s",
        linkedSeesIt.describe()).isEqualTo(1);
    assertThat(linkedSeesIt.stdout()).contains("\"classpath\":[{\"change\":\"changed\",\"name\":\"" + jar + "\"");

    // The redeploy restarts it with one more variable and a rotated secret.
    live.close();
    Host.await(Duration.ofSeconds(20), "the old service ends", () -> !live.isAlive() && !Host.listening(port));
    Spawned redeployed = startLive(newToken, Map.of("DEMO_FEATURE_FLAG", "on"));

    TwinCli.Result drift = twin.run("diff", snapshot.toString(), "--match", marker);
    assertThat(drift.exitCode()).as(drift.describe()).isEqualTo(1);
    assertThat(drift.stdoutLines()).as(drift.describe()).containsSubsequence(
        "env:",
        "  ~ DEMO_API_TOKEN: changed (a secret: value not shown)",
        "  + DEMO_FEATURE_FLAG=on",
        "2 differences (+ only in the live service, - only in the profile, ~ changed; -> profile to live)");
    assertThat(drift.stdout()).as("started after the deploy: the jar is what it runs").doesNotContain("classpath:");
    TwinCli.Result json = twin.run("diff", snapshot.toString(), "--pid", Long.toString(redeployed.pid()), "--json");
    assertThat(json.exitCode()).as(json.describe()).isEqualTo(1);
    assertThat(json.stdout()).contains("\"same\":false", "\"env\":[{\"change\":\"changed\",\"name\":\"DEMO_API_TOKEN\","
        + "\"secret\":true},{\"change\":\"added\",\"name\":\"DEMO_FEATURE_FLAG\",\"detail\":\"on\"}]");
    TwinCli.Result linkedAfter = twin.run("diff", linked.toString());
    assertThat(linkedAfter.exitCode()).as("the live-linked profile follows the redeploy%n%s", linkedAfter.describe())
        .isZero();

    for (TwinCli.Result r : new TwinCli.Result[] {same, sameJson, replaced, linkedSeesIt, drift, json, linkedAfter}) {
      assertThat(r.stdout() + r.stderr()).doesNotContain(oldToken).doesNotContain(newToken);
    }
  }

  /** The demo run as {@code java -jar JAR} from temp/app, on {@code port}, its database {@code db} there too. */
  private Spawned startJar(String jar, int port, String db, String token) {
    Spawned live = twin.spawn(temp.resolve("app"), Map.of("DEMO_PORT", Integer.toString(port),
        "DEMO_DB_PATH", temp.resolve(db).toString(), "DEMO_API_TOKEN", token), "java", "-Xmx64m", "-jar", jar);
    live.awaitStdout("listening", Duration.ofSeconds(60));
    return live;
  }

  @Test
  void aJarServiceIsFoundByTheJarsFileNameWhenNoJvmShowsTheProfilesMainClass() throws Exception {
    // As with a Spring Boot jar: the manifest's Main-Class is a launcher, and the profile's main, the
    // class the launcher starts, is in no command line and no manifest. The names are this test's
    // own, so no other JVM on the host matches them (the demo's own main class would).
    String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String jar = "svc-" + id + ".jar";
    String start = "DiffItStart" + id;
    LiveProc.demoLauncherJar(temp.resolve("app").resolve(jar), "DiffItLaunch" + id, start,
        List.of("lib/demo-service.jar", "lib/sqlite-jdbc.jar"));
    String token = "diff-jar-token-" + UUID.randomUUID();
    Spawned live = startJar(jar, port, "live.db", token);
    Path profile = Fixtures.writeProfile(temp, "jarred", "name: jarred\njava: java\nworkdir: "
        + Fixtures.q(temp.resolve("app")) + "\njar: " + jar + "\nmain: " + start + "\n");

    TwinCli.Result found = twin.run("diff", profile.toString());

    assertThat(found.exitCode()).as("its -Xmx64m and environment are not in the profile: drift%n%s", found.describe())
        .isEqualTo(1);
    assertThat(found.stdoutLines().get(0)).as(found.describe())
        .startsWith("drift: profile 'jarred' (" + profile + ") against pid " + live.pid() + " (user ");
    assertThat(found.stdout() + found.stderr()).doesNotContain(token);

    // A second JVM of a jar of that name: which one is meant is not guessed.
    Spawned second = startJar(jar, Host.freePort(), "second.db", token);
    TwinCli.Result ambiguous = twin.run("diff", profile.toString());

    List<Long> pids = Stream.of(live.pid(), second.pid()).sorted().toList();
    assertOneLine(ambiguous, 2, "twin: error: 2 JVMs have '" + jar + "' in their command line or as their jar's "
        + "Main-Class (the file name of the profile's jar; pids " + pids.get(0) + ", " + pids.get(1)
        + "); pick one with --pid");
  }

  @Test
  void badInputIsOneLineWithItsExitCode() throws Exception {
    Path profile = Fixtures.writeProfile(temp, "nomatch", "name: nomatch\njava: java\nclasspath: [\"" + app
        + "/*\"]\nmain: diff.it.NoSuchMain" + UUID.randomUUID().toString().replace("-", "") + "\n");
    Spawned sleep = twin.spawn(temp, Map.of(), "sleep", "60");

    TwinCli.Result dead = twin.run("diff", profile.toString(), "--pid", "999999999");
    TwinCli.Result notJava = twin.run("diff", profile.toString(), "--pid", Long.toString(sleep.pid()));
    TwinCli.Result noMain = twin.run("diff", profile.toString());
    String nothing = "diff.it.NoSuchMain" + UUID.randomUUID().toString().replace("-", "");
    Path withJar = Fixtures.writeProfile(temp, "nojvm", "name: nojvm\njava: java\nworkdir: " + Fixtures.q(app)
        + "\njar: nothing-" + nothing + ".jar\nmain: " + nothing + "\n");
    TwinCli.Result noMainNorJar = twin.run("diff", withJar.toString());
    TwinCli.Result both = twin.run("diff", profile.toString(), "--pid", "1", "--match", "x");
    Path gone = Fixtures.writeProfile(temp, "gone", "name: gone\nsource:\n  pid-file: app/nothing.pid\n");
    TwinCli.Result goneDiff = twin.run("diff", gone.toString());
    TwinCli.Result goneLaunch = twin.run("launch", gone.toString(), "--dry-run");

    assertOneLine(dead, 2, "twin: error: no process with pid 999999999");
    assertOneLine(notJava, 2, "twin: error: process " + sleep.pid() + " runs 'sleep', not java");
    assertOneLine(noMain, 2, "twin: error: no JVM has 'diff.it.NoSuchMain");
    assertThat(noMain.stderr()).contains("in its command line or as its jar's Main-Class (the profile's main class); "
        + "start the service, or give --pid PID");
    assertOneLine(noMainNorJar, 2, "twin: error: no JVM has '" + nothing + "' (the profile's main class) in its "
        + "command line or as its jar's Main-Class, nor 'nothing-" + nothing + ".jar' (its jar's file name); "
        + "start the service, or give --pid PID");
    assertThat(both.exitCode()).as(both.describe()).isEqualTo(2);
    assertThat(both.stderr()).startsWith("twin: error: --pid=PID, --match=TEXT are mutually exclusive");
    String goneLine = "twin: error: profile 'gone', source pid-file: " + temp.resolve("app/nothing.pid") + " (" + gone
        + ":3:13): the pid file " + temp.resolve("app/nothing.pid") + " does not exist; start the service, or capture "
        + "a self-contained profile with twin capture --snapshot";
    assertOneLine(goneDiff, 2, goneLine);
    assertOneLine(goneLaunch, 2, goneLine);
  }

  private static void assertOneLine(TwinCli.Result r, int code, String start) {
    assertThat(r.exitCode()).as(r.describe()).isEqualTo(code);
    assertThat(r.stdout()).as(r.describe()).isEmpty();
    assertThat(r.stderrLines()).as(r.describe()).hasSize(1);
    assertThat(r.stderr()).startsWith(start);
    assertThat(r.stackTraceLines()).isEmpty();
  }
}
