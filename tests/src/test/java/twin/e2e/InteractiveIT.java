package twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The interactive REPL in a real terminal (tmux): prompt, continuation lines, Ctrl-C, Ctrl-D. */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class InteractiveIT {
  private static final String PROMPT = "twin:demo user=> ";
  private static final Duration STEP = Duration.ofSeconds(20);

  @TempDir Path temp;

  @Test
  void replAtATerminal() {
    TwinCli twin = new TwinCli(temp);
    Tmux tmux = new Tmux(temp, twin.environment());
    try (twin) {
      tmux.requireInstalled();
      StringBuilder command = new StringBuilder("env");
      twin.environment().forEach((name, value) -> command.append(' ').append(name).append('=').append(sh(value)));
      command.append(' ').append(sh(Fixtures.twinScript().toString()))
          .append(" launch demo; echo TWIN-EXIT=$?; sleep 30");
      tmux.newSession(Fixtures.repo(), command.toString());

      Host.await(Duration.ofSeconds(60), "the prompt '" + PROMPT + "'", () -> prompts(tmux.screen()) == 1, tmux::screen);
      assertThat(tmux.screen()).as("the banner").contains("twin: ");
      List<Long> twinPids = Host.twinPids(twin.runtimeDir());
      assertThat(twinPids).as("the twin JVM runs").hasSize(1);

      tmux.type("(+ 20 22)");
      tmux.keys("Enter");
      Host.await(STEP, "42 and a new prompt", () -> lines(tmux.screen()).contains("42") && prompts(tmux.screen()) == 2,
          tmux::screen);

      tmux.type("(+ 1");
      tmux.keys("Enter");
      Host.await(STEP, "a continuation line", () -> tmux.screen().contains("#_=> "), tmux::screen);
      assertThat(prompts(tmux.screen())).as("no new prompt for an unbalanced form%n%s", tmux.screen()).isEqualTo(2);
      tmux.type("2)");
      tmux.keys("Enter");
      Host.await(STEP, "3 and a new prompt", () -> lines(tmux.screen()).contains("3") && prompts(tmux.screen()) == 3,
          tmux::screen);

      tmux.type("(Thread/sleep 60000)");
      tmux.keys("Enter");
      Host.sleep(Duration.ofMillis(1500));
      assertThat(prompts(tmux.screen())).as("still sleeping, no prompt yet%n%s", tmux.screen()).isEqualTo(3);
      tmux.keys("C-c");
      Host.await(Duration.ofSeconds(10), "'sleep interrupted' and a new prompt",
          () -> tmux.screen().contains("sleep interrupted") && prompts(tmux.screen()) == 4, tmux::screen);
      assertThat(tmux.screen()).as("the interrupt's error").contains("InterruptedException");

      tmux.type("(* 6 7 10)");
      tmux.keys("Enter");
      Host.await(STEP, "420 after the interrupt", () -> lines(tmux.screen()).contains("420") && prompts(tmux.screen()) == 5,
          tmux::screen);
      assertThat(Host.twinPids(twin.runtimeDir())).as("the same twin survives Ctrl-C").isEqualTo(twinPids);

      // A secret typed at the prompt (pasted to compare): the history keeps it masked.
      tmux.type("(= \"" + Fixtures.DEMO_TOKEN + "\" (System/getenv \"DEMO_API_TOKEN\"))");
      tmux.keys("Enter");
      Host.await(STEP, "true and a new prompt", () -> lines(tmux.screen()).contains("true") && prompts(tmux.screen()) == 6,
          tmux::screen);

      tmux.keys("C-d");
      Host.await(STEP, "TWIN-EXIT=", () -> tmux.screen().contains("TWIN-EXIT="), tmux::screen);
      assertThat(tmux.screen()).as("the launcher's exit code after Ctrl-D").contains("TWIN-EXIT=0");
      Host.await(Duration.ofSeconds(5), "no twin JVM left", () -> Host.twinPids(twin.runtimeDir()).isEmpty(),
          () -> Host.describe(Host.twinPids(twin.runtimeDir())));
      assertThat(tmux.screen()).as("no stack trace on the terminal")
          .doesNotContain("Exception in thread").doesNotContainPattern("(?m)^\\s+at [\\w.$]+\\(");

      Path history = twin.home().resolve(".local/state/twin/repl-history");
      assertThat(history).as("the REPL history under $HOME (%s)", twin.home()).exists();
      assertThat(history).content().contains("(+ 20 22)", "(= \"***\" (System/getenv \"DEMO_API_TOKEN\"))")
          .doesNotContain(Fixtures.DEMO_TOKEN);
    } finally {
      tmux.killServer();
    }
  }

  /**
   * Code that swallows both the interrupt and the thread stop: twin says it cannot be stopped, a
   * second Ctrl-C leaves it behind, and a fresh twin (init run again) takes the old one's place.
   */
  @Test
  void anEvaluationThatCannotBeStoppedCostsItsTwinOnASecondCtrlC() {
    TwinCli twin = new TwinCli(temp);
    Tmux tmux = new Tmux(temp, twin.environment());
    try (twin) {
      tmux.requireInstalled();
      tmux.newSession(Fixtures.repo(), DetachedSupport.shellCommand(twin, "launch", "demo")
          + "; echo TWIN-EXIT=$?; sleep 30");
      Host.await(Duration.ofSeconds(60), "the prompt", () -> prompts(tmux.screen()) == 1, tmux::screen);
      List<Long> first = Host.twinPids(twin.runtimeDir());
      assertThat(first).as("the first twin JVM").hasSize(1);

      tmux.type("(def marker 1)");
      tmux.keys("Enter");
      Host.await(STEP, "#'user/marker", () -> prompts(tmux.screen()) == 2, tmux::screen);
      tmux.type("(loop [] (try (Thread/sleep 60000) (catch Throwable _)) (recur))");
      tmux.keys("Enter");
      Host.sleep(Duration.ofMillis(1000));
      tmux.keys("C-c");
      Host.await(Duration.ofSeconds(20), "'stopping its thread'",
          () -> tmux.screen().contains("the evaluation ignored the interrupt; stopping its thread"), tmux::screen);
      // Ctrl-C again while twin is still trying: the thread is interrupted again, and the notices
      // still come once each (a second escalation printed both twice).
      tmux.keys("C-c");
      Host.await(Duration.ofSeconds(20), "'could not be stopped'",
          () -> tmux.screen().contains("the evaluation could not be stopped; press Ctrl-C again"), tmux::screen);
      Host.sleep(Duration.ofMillis(2500));
      assertThat(count(tmux.screen(), "stopping its thread")).as(tmux.screen()).isEqualTo(1);
      assertThat(count(tmux.screen(), "could not be stopped")).as(tmux.screen()).isEqualTo(1);
      assertThat(prompts(tmux.screen())).as("no prompt while the evaluation runs%n%s", tmux.screen()).isEqualTo(2);
      assertThat(Host.twinPids(twin.runtimeDir())).as("still the first twin").isEqualTo(first);

      tmux.keys("C-c");
      Host.await(Duration.ofSeconds(60), "the restart and a fresh prompt",
          () -> tmux.screen().contains("twin: restarting: the stuck evaluation ends with its twin")
              && prompts(tmux.screen()) == 3, tmux::screen);
      List<Long> second = Host.twinPids(twin.runtimeDir());
      assertThat(second).as("one twin JVM, a new one").hasSize(1).doesNotContainAnyElementsOf(first);
      assertThat(ProcessHandle.of(first.get(0)).map(ProcessHandle::isAlive).orElse(false))
          .as("the stuck twin is gone").isFalse();

      tmux.type("[(resolve 'marker) (some? config)]");
      tmux.keys("Enter");
      Host.await(STEP, "a fresh twin with init run again",
          () -> lines(tmux.screen()).contains("[nil true]") && prompts(tmux.screen()) == 4, tmux::screen);

      tmux.keys("C-d");
      Host.await(STEP, "TWIN-EXIT=", () -> tmux.screen().contains("TWIN-EXIT="), tmux::screen);
      assertThat(tmux.screen()).as("exit code after Ctrl-D").contains("TWIN-EXIT=0");
      Host.await(Duration.ofSeconds(5), "no twin JVM left", () -> Host.twinPids(twin.runtimeDir()).isEmpty(),
          () -> Host.describe(Host.twinPids(twin.runtimeDir())));
      assertThat(tmux.screen()).as("no stack trace on the terminal")
          .doesNotContain("Exception in thread").doesNotContainPattern("(?m)^\\s+at [\\w.$]+\\(");
    } finally {
      tmux.killServer();
    }
  }

  /**
   * The same in twin attach: a session of a shared, detached twin only leaves (exit 1) and says how
   * to restart the twin; the twin and its other sessions go on.
   */
  @Test
  void attachLeavesAnEvaluationThatCannotBeStoppedAndTheTwinGoesOn() {
    TwinCli twin = new TwinCli(temp);
    Tmux tmux = new Tmux(temp, twin.environment());
    try (twin) {
      tmux.requireInstalled();
      DetachedSupport.Detached d = DetachedSupport.detach(twin, "demo");
      tmux.newSession(Fixtures.repo(), DetachedSupport.shellCommand(twin, "attach", d.id())
          + "; echo ATTACH-EXIT=$?; sleep 30");
      Host.await(Duration.ofSeconds(60), "the prompt", () -> prompts(tmux.screen()) == 1, tmux::screen);
      tmux.type("(loop [] (try (Thread/sleep 60000) (catch Throwable _)) (recur))");
      tmux.keys("Enter");
      Host.sleep(Duration.ofMillis(1000));
      tmux.keys("C-c");
      Host.await(Duration.ofSeconds(20), "'leave this session'", () -> tmux.screen().contains(
          "the evaluation could not be stopped; press Ctrl-C again to leave this session"), tmux::screen);
      assertThat(tmux.screen()).as("no offer to restart from a session").doesNotContain("and restart the twin");
      tmux.keys("C-c");
      Host.await(STEP, "ATTACH-EXIT=", () -> tmux.screen().contains("ATTACH-EXIT="), tmux::screen);
      assertThat(tmux.screen()).contains("left the session", "twin stop " + d.id(), "ATTACH-EXIT=1");
      TwinCli.Result other = twin.run("eval", d.id(), "(+ 40 2)");
      assertThat(other.stdoutLines()).as("another session of the same twin: %s", other.describe()).containsExactly("42");
      twin.run("stop", d.id());
    } finally {
      tmux.killServer();
    }
  }

  /** A session whose twin is stopped from elsewhere ends right after the notice, not at the next line. */
  @Test
  void attachEndsWhenItsTwinIsStopped() {
    TwinCli twin = new TwinCli(temp);
    Tmux tmux = new Tmux(temp, twin.environment());
    try (twin) {
      tmux.requireInstalled();
      DetachedSupport.Detached d = DetachedSupport.detach(twin, "demo");
      tmux.newSession(Fixtures.repo(), DetachedSupport.shellCommand(twin, "attach", d.id())
          + "; echo ATTACH-EXIT=$?; sleep 30");
      Host.await(Duration.ofSeconds(60), "the prompt", () -> prompts(tmux.screen()) == 1, tmux::screen);
      TwinCli.Result stop = twin.run("stop", d.id());
      assertThat(stop.exitCode()).as(stop.describe()).isZero();
      Host.await(STEP, "ATTACH-EXIT= with nothing typed", () -> tmux.screen().contains("ATTACH-EXIT="), tmux::screen);
      assertThat(tmux.screen()).contains("twin: this twin is ending: stopped on request",
          "twin: error: the twin ended: stopped on request", "ATTACH-EXIT=1");
      assertThat(count(tmux.screen(), "twin: error:")).as("one error line%n%s", tmux.screen()).isEqualTo(1);
    } finally {
      tmux.killServer();
    }
  }

  /**
   * twin eval in a detached twin, Ctrl-C on code that survives Thread.stop: it says so, and the
   * second Ctrl-C says what it leaves running and how to end it.
   */
  @Test
  void evalSaysWhatItLeavesBehindInADetachedTwin() {
    TwinCli twin = new TwinCli(temp);
    Tmux tmux = new Tmux(temp, twin.environment());
    try (twin) {
      tmux.requireInstalled();
      DetachedSupport.Detached d = DetachedSupport.detach(twin, "demo");
      tmux.newSession(Fixtures.repo(), DetachedSupport.shellCommand(twin, "eval", d.id(),
          "(do (println :started) (while true (try (Thread/sleep 100000) (catch Throwable t nil))))")
          + "; echo EVAL-EXIT=$?; sleep 30");
      Host.await(Duration.ofSeconds(60), ":started", () -> tmux.screen().contains(":started"), tmux::screen);
      tmux.keys("C-c");
      Host.await(Duration.ofSeconds(30), "'could not be stopped'", () -> tmux.screen().contains(
          "the evaluation could not be stopped; press Ctrl-C again to leave it behind"), tmux::screen);
      assertThat(tmux.screen()).as("no offer to restart a detached twin").doesNotContain("and restart the twin");
      tmux.keys("C-c");
      Host.await(STEP, "EVAL-EXIT=", () -> tmux.screen().contains("EVAL-EXIT="), tmux::screen);
      assertThat(tmux.screen()).contains("twin: left the evaluation behind: it could not be stopped",
          "to end it: twin stop " + d.id(), "EVAL-EXIT=130");
      TwinCli.Result other = twin.run("eval", d.id(), "(+ 40 2)");
      assertThat(other.stdoutLines()).as("the twin goes on: %s", other.describe()).containsExactly("42");
      twin.run("stop", d.id());
    } finally {
      tmux.killServer();
    }
  }

  private static int count(String screen, String text) {
    int n = 0;
    for (int i = screen.indexOf(text); i >= 0; i = screen.indexOf(text, i + 1)) {
      n++;
    }
    return n;
  }

  private static int prompts(String screen) {
    int n = 0;
    for (int i = screen.indexOf(PROMPT); i >= 0; i = screen.indexOf(PROMPT, i + 1)) {
      n++;
    }
    return n;
  }

  private static List<String> lines(String screen) {
    return screen.lines().map(String::strip).toList();
  }

  /** Single-quotes a word for sh. */
  private static String sh(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }
}
