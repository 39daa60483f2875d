package twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The demo's API token reaches the twin, but never any output of twin. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SecretsIT {
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

  @Test
  void theTokenIsTheOneInDemoEnv() {
    assertThat(Fixtures.repo().resolve("profiles/demo.env")).content()
        .contains("DEMO_API_TOKEN=" + Fixtures.DEMO_TOKEN);
  }

  @Test
  void dryRunMasksTheToken() {
    TwinCli.Result r = twin.run("launch", "demo", "--dry-run");

    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.stdout() + r.stderr()).doesNotContain(Fixtures.DEMO_TOKEN);
    assertThat(Fixtures.planSection(r.stdout(), "environment")).as(r.stdout())
        .containsAnyOf("DEMO_API_TOKEN='***'", "DEMO_API_TOKEN=***");
  }

  @Test
  void evaluatedResultsMaskTheToken() {
    TwinCli.Result r = twin.run("launch", "demo",
        "-e", "(System/getenv \"DEMO_API_TOKEN\")",
        "-e", "(= (System/getenv \"DEMO_API_TOKEN\") (apply str (map char [100 101 109 111 45 116 111 107 101 110 45 110 111 116 45 97 45 114 101 97 108 45 115 101 99 114 101 116 45 55 102 51 97])))",
        "-e", "(str \"token=\" (System/getenv \"DEMO_API_TOKEN\"))",
        "-e", "(println (System/getenv \"DEMO_API_TOKEN\"))",
        "-e", "(.println System/out (System/getenv \"DEMO_API_TOKEN\"))",
        "-e", "(System/getenv)",
        "-e", "(throw (ex-info (System/getenv \"DEMO_API_TOKEN\") {}))");

    assertThat(r.exitCode()).as("the last form throws%n%s", r.describe()).isEqualTo(1);
    assertThat(r.stdout() + r.stderr()).as(r.describe()).doesNotContain(Fixtures.DEMO_TOKEN);
    assertThat(r.stdoutLines()).as(r.describe())
        .startsWith("\"***\"", "true")
        .contains("\"token=***\"");
    assertThat(r.stdout()).as(r.describe()).contains("\"DEMO_API_TOKEN\" \"***\"");
  }

  @Test
  void profilesShowDoesNotContainTheToken() {
    TwinCli.Result r = twin.run("profiles", "show", "demo");

    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.stdout()).as(r.describe()).contains("name: ").contains("demo");
    assertThat(r.stdout() + r.stderr()).doesNotContain(Fixtures.DEMO_TOKEN);
  }
}
