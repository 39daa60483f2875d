package twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A twin of the demo service: the service's classpath and environment, but never its main. */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class DemoTwinIT {
  @TempDir Path temp;
  TwinCli twin;
  int port;
  int replPort;
  Path db;
  Path profile;

  @BeforeEach
  void setUp() {
    twin = new TwinCli(temp);
    port = Host.freePort();
    replPort = Host.freePort();
    db = temp.resolve("data/demo.db");
    profile = Fixtures.demoProfile(temp.resolve("profiles"), port, replPort, db, "");
  }

  @AfterEach
  void tearDown() {
    twin.close();
  }

  @Test
  void twinBesideTheLiveServiceSeesItsWorldAndLeavesItAlone() {
    Spawned live = twin.spawn(Fixtures.demoDir(),
        Map.of("DEMO_PORT", Integer.toString(port), "DEMO_DB_PATH", db.toString(),
            "DEMO_API_TOKEN", Fixtures.DEMO_TOKEN),
        "java", "-jar", Fixtures.demoJar().toString());
    live.awaitStdout("demo: listening on 127.0.0.1:" + port, Duration.ofSeconds(30));

    TwinCli.Result r = twin.run("launch", profile.toString(),
        "-e", "(System/getenv \"DEMO_PORT\")",
        "-e", "(.getName (Class/forName \"demo.DemoService\"))",
        "-e", "(count (demo.Orders/list (demo.Database/connect (demo.Config/fromEnv))))",
        "-e", "(= (demo.Config/fromEnv) config)");

    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.stdoutLines()).as(r.describe())
        .containsExactly("\"" + port + "\"", "\"demo.DemoService\"", "5", "true");

    assertThat(live.isAlive()).as("the live service still runs%n%s", live.dump()).isTrue();
    assertThat(Host.httpGet(port, "/health")).as("GET /health of the live service").isEqualTo("200 ok\n");

    TwinCli.Result count = twin.run("launch", profile.toString(), "-e", Fixtures.countEvents("startup"));
    assertThat(count.exitCode()).as(count.describe()).isZero();
    assertThat(count.stdoutLines()).as("startup rows: only the live service's%n%s", count.describe())
        .containsExactly("1");
    assertThat(Host.httpGet(port, "/health")).isEqualTo("200 ok\n");
    assertThat(live.stderr()).as("the live service's stderr").doesNotContain("demo: cannot bind");
  }

  @Test
  void theTwinJvmHasNoListeningSocket() {
    Spawned launcher = twin.start("launch", profile.toString(),
        "-e", "(do (println \"ready\") (flush) (Thread/sleep 120000))");
    launcher.awaitStdout("ready", Duration.ofSeconds(60));
    List<Long> twins = Host.twinPids(twin.runtimeDir());
    assertThat(twins).as("one twin JVM").hasSize(1);

    assertThat(Host.listeningSockets(twins.get(0))).as("listening sockets of the twin JVM").isEmpty();
    assertThat(Host.listening(replPort)).as("the service's socket-REPL port %d", replPort).isFalse();
    assertThat(Host.listeningSockets(launcher.pid()))
        .as("the launcher listens only on its unix channel socket, in the runtime dir")
        .noneMatch(s -> s.startsWith("tcp"));
  }

  @Test
  void dryRunRunsTwinMainAndStripsTheSocketReplOption() {
    TwinCli.Result r = twin.run("launch", profile.toString(), "--dry-run");

    assertThat(r.exitCode()).as(r.describe()).isZero();
    List<String> argv = Fixtures.planSection(r.stdout(), "argv");
    assertThat(argv).as(r.stdout())
        .contains(Host.TWIN_MAIN)
        .doesNotContain("demo.DemoService")
        .noneMatch(a -> a.contains("-Dclojure.server"))
        .noneMatch(a -> a.contains(":port " + replPort));
    assertThat(Fixtures.planClasspath(r.stdout())).as(r.stdout())
        .contains(Fixtures.demoJar().toString(), Fixtures.twinHome().resolve("twin-runtime.jar").toString());
    assertThat(String.join("\n", Fixtures.planSection(r.stdout(), "rules applied"))).as(r.stdout())
        .contains("[clojure-server]")
        .containsPattern("strip +-Dclojure\\.server\\.repl=");
    assertThat(Host.twinPids(twin.runtimeDir())).as("--dry-run starts nothing").isEmpty();
  }

  @Test
  void twinAloneNeitherListensNorTouchesTheDatabase() {
    TwinCli.Result r = twin.run("launch", profile.toString(),
        "-e", "(+ 1 2)",
        "-e", Fixtures.DEF_LISTENING,
        "-e", "(Thread/sleep 6000)",
        "-e", "(listening? " + port + ")",
        "-e", "(listening? " + replPort + ")",
        "-e", "(.exists (java.io.File. (System/getenv \"DEMO_DB_PATH\")))",
        "-e", "(some #{\"demo-heartbeat\"} (map #(.getName ^Thread %) (keys (Thread/getAllStackTraces))))");

    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.stdoutLines()).as(r.describe())
        .containsExactly("3", "#'user/listening?", "nil", "false", "false", "false", "nil");
    assertThat(db).as("the service's database, after the twin ended").doesNotExist();
    assertThat(db.getParent()).as("the database's directory (the service's migration creates it)").doesNotExist();
    assertThat(Host.listening(port)).as("something listens on the service's port %d", port).isFalse();
  }
}
