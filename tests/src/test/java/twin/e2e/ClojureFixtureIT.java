package twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A twin of a Clojure service that brings its own Clojure: twin's jars are not appended. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClojureFixtureIT {
  @TempDir Path temp;
  TwinCli twin;
  int port;
  Path marker;
  Path profile;
  String serviceClojure;

  @BeforeEach
  void setUp() {
    twin = new TwinCli(temp);
    port = Host.freePort();
    marker = temp.resolve("started.marker");
    serviceClojure = Fixtures.twinHome().resolve("clojure") + "/*";
    profile = Fixtures.writeProfile(temp.resolve("profiles"), "fixture-e2e", "name: fixture-e2e\n"
        + "java: java\n"
        + "workdir: " + Fixtures.q(temp) + "\n"
        + "classpath:\n"
        + "  - " + Fixtures.q(Fixtures.fixtureSrc()) + "\n"
        + "  - " + Fixtures.q(serviceClojure) + "\n"
        + "main: clojure.main\n"
        + "args: [\"-m\", \"fixture.main\"]\n"
        + "env:\n"
        + "  FIXTURE_GREETING: hej\n"
        + "  FIXTURE_PORT: " + Fixtures.q(port) + "\n"
        + "  FIXTURE_STARTED_MARKER: " + Fixtures.q(marker) + "\n");
  }

  @AfterEach
  void tearDown() {
    twin.close();
  }

  @Test
  void twinReadsTheServiceConfigWithoutStartingIt() {
    TwinCli.Result r = twin.run("launch", profile.toString(),
        "-e", "(require '[fixture.config :as config]) config/config",
        "-e", "(require 'fixture.main)",
        "-e", Fixtures.DEF_LISTENING,
        "-e", "(listening? " + port + ")",
        "-e", "(.exists (java.io.File. (System/getenv \"FIXTURE_STARTED_MARKER\")))",
        "-e", "(:body (fixture.handler/handle {:uri \"/greeting\"}))");

    assertThat(r.exitCode()).as(r.describe()).isZero();
    String config = r.stdoutLines().stream().filter(l -> l.startsWith("{")).findFirst().orElse("");
    assertThat(config).as(r.describe()).contains(":greeting \"hej\"").contains(":port " + port);
    assertThat(r.stdoutLines()).as(r.describe())
        .containsSubsequence(config, "nil", "#'user/listening?", "false", "false");
    assertThat(r.stdout()).as("the handler answers with the service's greeting%n%s", r.describe())
        .contains("\"hej, world\\n\"");
    assertThat(marker).as("the marker -main writes when it starts").doesNotExist();
    assertThat(Host.listening(port)).as("something listens on the fixture's port %d", port).isFalse();
  }

  @Test
  void dryRunUsesTheServicesClojureAndAppendsOnlyTheRuntime() {
    TwinCli.Result r = twin.run("launch", profile.toString(), "--dry-run");

    assertThat(r.exitCode()).as(r.describe()).isZero();
    List<String> cp = Fixtures.planClasspath(r.stdout());
    String runtimeJar = Fixtures.twinHome().resolve("twin-runtime.jar").toString();
    assertThat(cp).as(r.stdout())
        .containsSubsequence(Fixtures.fixtureSrc().toString(), serviceClojure, runtimeJar)
        .containsOnlyOnce(serviceClojure)
        .noneMatch(e -> e.matches(".*/clojure-[0-9.]+\\.jar"))
        .noneMatch(e -> e.contains("spec.alpha"));
    assertThat(cp.indexOf(runtimeJar)).as("twin-runtime.jar comes after the service's entries: %s", cp)
        .isGreaterThan(cp.indexOf(serviceClojure));
    assertThat(Fixtures.planSection(r.stdout(), "argv")).as(r.stdout())
        .contains(Host.TWIN_MAIN)
        .doesNotContain("clojure.main", "fixture.main", "-m");
  }
}
