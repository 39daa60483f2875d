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
  void aThrowingFormGivesExitOneWithClojuresErrorAndStopsTheForms() {
    TwinCli.Result r = twin.run("launch", "demo",
        "-e", "(+ 1 2)",
        "-e", "(/ 1 0)",
        "-e", "(str \"after\" \"wards\")");

    assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
    assertThat(r.stdoutLines()).as("a script stops at its first error%n%s", r.describe()).containsExactly("3");
    assertThat(r.stderr()).as(r.describe())
        .containsPattern("Execution error \\(ArithmeticException\\) at .*")
        .contains("Divide by zero")
        .contains("twin: stopped at the first error: the forms after it were not evaluated");
    assertThat(r.stdout()).as("errors go to stderr only").doesNotContain("Divide by zero");
    assertThat(r.stackTraceLines()).as(r.describe()).isEmpty();
  }

  @Test
  void aFileStopsAtAFailedGuardOrASyntaxErrorAndWhatFollowsNeverRuns() throws Exception {
    Path marker = temp.resolve("dangerous-write");
    String write = "(spit " + Fixtures.q(marker) + " \"written\")\n";
    Path guarded = java.nio.file.Files.writeString(temp.resolve("guarded.clj"),
        "(println \"checking\")\n(assert (= (System/getenv \"DEMO_PORT\") \"no-such-port\") \"wrong environment\")\n" + write);
    Path broken = java.nio.file.Files.writeString(temp.resolve("broken.clj"), "(+ 1 1)\n(let [x] oops))\n" + write);
    String id = DetachedSupport.detach(twin, "demo").id();
    try {
      for (String target : java.util.List.of("demo", id)) {
        for (Path file : java.util.List.of(guarded, broken)) {
          TwinCli.Result r = twin.run("run", target, file.toString());
          assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
          assertThat(r.stderrLines()).as(r.describe())
              .contains("twin: stopped at the first error: the forms after it were not evaluated");
          assertThat(marker).as("the form after the error ran: %s", r.describe()).doesNotExist();
          // Errors are located in the file, by its lines.
          assertThat(r.stderr()).as(r.describe()).contains(file == broken ? "at (" + broken + ":2:1)"
              : "at user/eval").doesNotContain("REPL:");
        }
      }
      // Nothing after the failing form: no notice.
      TwinCli.Result last = twin.run("eval", id, "(+ 1 1)", "(/ 1 0)");
      assertThat(last.exitCode()).as(last.describe()).isEqualTo(1);
      assertThat(last.stdoutLines()).containsExactly("2");
      assertThat(last.stderr()).as(last.describe()).contains("Divide by zero").doesNotContain("stopped at");
      // Forms piped to attach: a REPL goes on after an error, and the exit code tells of it.
      TwinCli.Result piped = twin.run(TwinCli.LAUNCH_TIMEOUT, "(/ 1 0)\n(+ 1 1)\n", "attach", id);
      assertThat(piped.exitCode()).as(piped.describe()).isEqualTo(1);
      assertThat(piped.stdout()).as(piped.describe()).contains("Divide by zero", "user=> 2");
      // The twin's other sessions go on: an attached REPL is no script.
      TwinCli.Result after = twin.run("eval", id, "(+ 20 22)");
      assertThat(after.stdoutLines()).as(after.describe()).containsExactly("42");
    } finally {
      twin.run("stop", id);
    }
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
