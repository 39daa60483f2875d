package twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Non-interactive use: forms from -e or piped on stdin, results on stdout, the exit code. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ScriptIT {
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
  void aThrowingFormGivesExitOneWithClojuresErrorAndTheOtherValues() {
    TwinCli.Result r = twin.run("launch", "demo",
        "-e", "(+ 1 2)",
        "-e", "(/ 1 0)",
        "-e", "(str \"after\" \"wards\")");

    assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
    assertThat(r.stdoutLines()).as(r.describe()).containsExactly("3", "\"afterwards\"");
    assertThat(r.stderr()).as(r.describe())
        .containsPattern("Execution error \\(ArithmeticException\\) at .*")
        .contains("Divide by zero");
    assertThat(r.stdout()).as("errors go to stderr only").doesNotContain("Divide by zero");
    assertThat(r.stackTraceLines()).as(r.describe()).isEmpty();
  }

  @Test
  void formsPipedOnStdinAreEvaluatedInOrder() {
    TwinCli.Result r = twin.run(TwinCli.LAUNCH_TIMEOUT, "(+ 1 2) (println \"hi\")\n", "launch", "demo");

    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.stdoutLines()).as(r.describe()).containsExactly("3", "hi", "nil");
  }

  @Test
  void aFailingInitFormIsReportedAndTheFormsStillRun() {
    Path profile = Fixtures.writeProfile(temp.resolve("profiles"), "init-throws", "name: init-throws\n"
        + "java: java\n"
        + "jar: " + Fixtures.q(Fixtures.demoJar()) + "\n"
        + "twin:\n"
        + "  init: [\"(throw (ex-info \\\"boom\\\" {}))\", \"(def after-init :ran)\"]\n");

    TwinCli.Result r = twin.run("launch", profile.toString(), "-e", "(+ 1 1)", "-e", "after-init");

    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.stdoutLines()).as(r.describe()).containsExactly("2", ":ran");
    assertThat(r.stderr()).as(r.describe()).contains("twin: init form 1 failed").contains("boom");
    assertThat(r.stackTraceLines()).as(r.describe()).isEmpty();
  }
}
