package twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A detached twin keeps its state between clients: eval, run and attach reach the same JVM, each
 * session with its own *ns*, while vars defined in user are shared.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class DetachedSessionsIT {
  private static final Duration STEP = Duration.ofSeconds(30);

  @TempDir Path temp;
  private TwinCli twin;
  private final List<String> ids = new ArrayList<>();

  @BeforeEach
  void setUp() {
    twin = new TwinCli(temp);
  }

  @AfterEach
  void tearDown() {
    DetachedSupport.cleanUp(twin, ids);
  }

  private TwinCli.Result eval(String... args) {
    List<String> all = new ArrayList<>(List.of("eval"));
    all.addAll(List.of(args));
    return twin.run(STEP, null, all.toArray(String[]::new));
  }

  @Test
  void stateSurvivesBetweenClientsAndSessionsAreIsolated() throws Exception {
    // With no twin running, eval PROFILE runs a one-shot twin that ends with the command.
    TwinCli.Result oneShot = eval("demo", "(+ 1 2)", "(System/getenv \"TWIN\")");
    assertThat(oneShot.exitCode()).as(oneShot.describe()).isZero();
    assertThat(oneShot.stdoutLines()).as(oneShot.describe()).containsExactly("3", "\"1\"");
    assertThat(Host.twinPids(twin.runtimeDir())).as("no twin after a one-shot eval").isEmpty();
    assertThat(DetachedSupport.twinDirs(twin)).as("a one-shot eval detaches nothing").isEmpty();

    DetachedSupport.Detached d = DetachedSupport.detach(twin, "demo");
    ids.add(d.id());
    String id = d.id();
    assertThat(id).startsWith("demo-");
    assertThat(DetachedSupport.alive(d.supervisorPid())).as("the supervisor runs after launch exited").isTrue();
    assertThat(Host.cmdline(d.supervisorPid())).contains("twin.Main supervise --id " + id);
    assertThat(Host.twinPids(twin.runtimeDir())).as("one twin JVM").containsExactly(d.twinPid());

    // State survives between two separate clients.
    TwinCli.Result def = eval(id, "(def counter 41)");
    assertThat(def.exitCode()).as(def.describe()).isZero();
    assertThat(def.stdout()).as(def.describe()).contains("#'user/counter");
    TwinCli.Result inc = eval(id, "(inc counter)");
    assertThat(inc.exitCode()).as(inc.describe()).isZero();
    assertThat(inc.stdoutLines()).as(inc.describe()).containsExactly("42");

    // The profile name reaches the one running twin of it (no one-shot twin is started).
    TwinCli.Result byProfile = eval("demo", "counter", "(System/getenv \"TWIN_ID\")");
    assertThat(byProfile.exitCode()).as(byProfile.describe()).isZero();
    assertThat(byProfile.stdoutLines()).as(byProfile.describe()).containsExactly("41", "\"" + id + "\"");
    assertThat(Host.twinPids(twin.runtimeDir())).as("still the one twin JVM").containsExactly(d.twinPid());

    // Exit codes: a throwing form gives 1 and its error on stderr, not stdout.
    TwinCli.Result boom = eval(id, "(/ 1 0)");
    assertThat(boom.exitCode()).as(boom.describe()).isEqualTo(1);
    assertThat(boom.stderr()).as(boom.describe()).contains("Divide by zero");
    assertThat(boom.stdout()).as(boom.describe()).doesNotContain("Divide by zero");
    assertThat(boom.stackTraceLines()).as("no Java stack trace").isEmpty();

    // --json: one record per form, with "out" when the form printed.
    TwinCli.Result json = eval("--json", id, "(+ 1 2)", "(println \"hi\")", "(/ 1 0)");
    assertThat(json.exitCode()).as(json.describe()).isEqualTo(1);
    assertThat(json.stdoutLines()).as(json.describe()).hasSize(3);
    assertThat(json.stdoutLines().get(0)).isEqualTo("{\"ok\":true,\"value\":\"3\"}");
    assertThat(json.stdoutLines().get(1)).startsWith("{").endsWith("}")
        .contains("\"ok\":true").contains("\"value\":\"nil\"").contains("\"out\":\"hi\\n\"");
    assertThat(json.stdoutLines().get(2)).startsWith("{\"ok\":false").contains("Divide by zero");
    TwinCli.Result edn = eval("--edn", id, "(+ 1 2)");
    assertThat(edn.exitCode()).as(edn.describe()).isZero();
    assertThat(edn.stdoutLines()).as(edn.describe()).containsExactly("{:ok true :value \"3\"}");

    // Secrets are masked in values, printed output and errors, in every output format.
    String token = "(System/getenv \"DEMO_API_TOKEN\")";
    String[] leaks = {token, "(println " + token + ")", "(throw (ex-info (str \"token \" " + token + ") {}))"};
    TwinCli.Result secret = eval(id, leaks[0], leaks[1], leaks[2]);
    assertThat(secret.exitCode()).as(secret.describe()).isEqualTo(1);
    assertThat(secret.stdoutLines()).as(secret.describe()).startsWith("\"***\"", "***");
    assertThat(secret.stderr()).as(secret.describe()).contains("token ***");
    TwinCli.Result secretJson = eval("--json", id, leaks[0], leaks[1], leaks[2]);
    assertThat(secretJson.stdout()).as(secretJson.describe()).contains("\"value\":\"\\\"***\\\"\"");
    for (TwinCli.Result r : List.of(secret, secretJson)) {
      assertThat(r.stdout() + r.stderr()).as("the real token never shows: %s", r.describe())
          .doesNotContain(Fixtures.DEMO_TOKEN);
    }

    assertThat(Files.readString(DetachedSupport.twinDir(twin, id).resolve("supervisor.log")))
        .as("supervisor.log").doesNotContain(Fixtures.DEMO_TOKEN);

    // run FILE: the forms of a file, in the same twin.
    Path file = Files.writeString(temp.resolve("check.clj"),
        "(def from-file (* 2 counter))\n(println \"from the file\")\nfrom-file\n");
    TwinCli.Result run = twin.run(STEP, null, "run", id, file.toString());
    assertThat(run.exitCode()).as(run.describe()).isZero();
    assertThat(run.stdout()).as(run.describe()).contains("from the file");
    assertThat(run.stdoutLines()).as(run.describe()).contains("82");
    Path bad = Files.writeString(temp.resolve("bad.clj"), "(+ 1 1)\n(throw (ex-info \"bad file\" {}))\n");
    TwinCli.Result runBad = twin.run(STEP, null, "run", id, bad.toString());
    assertThat(runBad.exitCode()).as(runBad.describe()).isEqualTo(1);
    assertThat(runBad.stderr()).as(runBad.describe()).contains("bad file");

    // Two concurrent sessions: attach at a terminal moves to another ns, eval still sees user.
    Tmux tmux = new Tmux(temp, twin.environment());
    try {
      tmux.requireInstalled();
      tmux.newSession(Fixtures.repo(),
          DetachedSupport.shellCommand(twin, "attach", id) + "; echo ATTACH-EXIT=$?; sleep 30");
      String prompt = "twin:demo user=> ";
      Host.await(STEP, "the attach prompt", () -> tmux.screen().contains(prompt), tmux::screen);
      assertThat(tmux.screen()).as("the attach banner").contains("attached to twin " + id);

      tmux.type("(def from-attach (+ counter 100))");
      tmux.keys("Enter");
      Host.await(STEP, "#'user/from-attach", () -> tmux.screen().contains("#'user/from-attach"), tmux::screen);
      tmux.type("(in-ns 'other)");
      tmux.keys("Enter");
      Host.await(STEP, "the prompt in ns other", () -> tmux.screen().contains("twin:demo other=> "), tmux::screen);

      TwinCli.Result ns = eval(id, "(str *ns*)", "from-attach");
      assertThat(ns.exitCode()).as(ns.describe()).isZero();
      assertThat(ns.stdoutLines()).as("another client's *ns* and the var the attach session defined: %s",
          ns.describe()).containsExactly("\"user\"", "141");

      TwinCli.Result ps = twin.run(STEP, null, "ps", "--json");
      assertThat(ps.exitCode()).as(ps.describe()).isZero();
      assertThat(ps.stdout()).as("ps --json while attached: %s", ps.describe()).contains("\"sessions\":1");

      // `other` is a bare namespace made by in-ns: clojure.core is not referred there.
      tmux.type("(clojure.core/str clojure.core/*ns*)");
      tmux.keys("Enter");
      Host.await(STEP, "\"other\" and the next prompt in the attach session",
          () -> tmux.screen().matches("(?s).*\\n\"other\"\\s*\\ntwin:demo other=> .*"), tmux::screen);

      tmux.keys("C-d");
      Host.await(STEP, "ATTACH-EXIT=", () -> tmux.screen().contains("ATTACH-EXIT="), tmux::screen);
      assertThat(tmux.screen()).as("attach's exit code after Ctrl-D").contains("ATTACH-EXIT=0");
      assertThat(tmux.screen()).as("no stack trace on the terminal")
          .doesNotContain("Exception in thread").doesNotContainPattern("(?m)^\\s+at [\\w.$]+\\(");
    } finally {
      tmux.killServer();
    }

    // Detaching did not end the twin: same JVM, same state.
    assertThat(DetachedSupport.alive(d.supervisorPid())).as("supervisor after detach").isTrue();
    assertThat(Host.twinPids(twin.runtimeDir())).as("the same twin JVM after Ctrl-D").containsExactly(d.twinPid());
    TwinCli.Result after = eval(id, "(inc counter)", "from-attach");
    assertThat(after.exitCode()).as(after.describe()).isZero();
    assertThat(after.stdoutLines()).as(after.describe()).containsExactly("42", "141");
  }
}
