package twin.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import twin.ExitCodes;
import twin.Os;
import twin.TwinException;
import twin.client.Console;
import twin.client.Printer;
import twin.client.SessionDriver;
import twin.client.StreamPrinter;
import twin.plan.LaunchPlan;
import twin.plan.LaunchPlanner;
import twin.plan.PlanOptions;
import twin.plan.PlanRenderer;
import twin.plan.ServiceFacts;
import twin.plan.ServiceInspector;
import twin.profile.Profile;
import twin.secret.Redactor;
import twin.supervisor.Supervisor;

/** {@code twin launch}: plan a twin from a profile, start it, and open a REPL in it. */
@Command(
    name = "launch",
    mixinStandardHelpOptions = true,
    description = {
        "Starts a twin of the service PROFILE describes and opens a Clojure REPL inside it. "
            + "The twin has the service's java, classpath, environment, workdir and user, but its main "
            + "never runs. Options that would collide with the live service (ports, agents, log files, "
            + "hooks) are removed or moved to the twin's private directory: see --dry-run.",
        "",
        "At a terminal you get an interactive REPL: Ctrl-C interrupts the running evaluation, "
            + "Ctrl-D ends the twin. With -e, or with forms piped on stdin, the forms are evaluated, "
            + "results printed, and the twin ends; the exit code is 1 if a form threw.",
        ""},
    footerHeading = "%nExamples:%n",
    footer = {
        "  twin launch demo                       interactive REPL in a twin of 'demo'",
        "  twin launch demo --dry-run             show what would run, and which rules applied",
        "  twin launch demo -e '(System/getenv \"DEMO_PORT\")'",
        "  echo '(+ 1 2)' | twin launch demo",
        "  twin launch ./orders.yaml --heap 1g    a profile given by path, with a bigger heap"})
public final class LaunchCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "PROFILE",
      description = "A profile name (found on the profile path) or a path to a profile file.")
  String profileName;

  @Option(names = "--dry-run", description = "Print the launch plan (argv, environment with secrets masked, workdir, user, rules applied) and start nothing.")
  boolean dryRun;

  @Option(names = "--explain", description = "Print the rules that acted on the service's options, with their reasons, then launch.")
  boolean explain;

  @Option(names = "--heap", paramLabel = "SIZE", description = "The twin's maximum heap, e.g. 512m or 2g (default: twin.heap, else 512m).")
  String heap;

  @Option(names = {"-e", "--eval"}, paramLabel = "FORM", description = "Evaluate FORM, print its result, and end the twin. Repeatable.")
  List<String> forms = new ArrayList<>();

  @Option(names = "--scope", description = "Run the twin in a transient systemd scope with MemoryMax (twice the heap) and low CPU and IO weight. Needs a running systemd.")
  boolean scope;

  @Option(names = "--keep-files", description = "Keep the twin's private directory (logs, temp files) after it ends.")
  boolean keepFiles;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (heap != null && !heap.matches("[0-9]+[kKmMgG]?")) {
      throw TwinException.usage("--heap takes a size such as 512m or 2g, not '" + heap + "'");
    }
    Environment world = Environment.current();
    Profile profile = world.loadProfile(profileName);
    ServiceFacts facts = new ServiceInspector(world.env, world.cwd).inspect(profile);
    TwinHome home = TwinHome.locate(world.env);
    String twinId = profile.name() + "-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
    PlanOptions options = new PlanOptions(twinId, home.runtimeJar(), home.clojureJars(),
        world.locations().runtimeDir().resolve(twinId), Os.uid(), Os.userName(), heap, scope);
    LaunchPlan plan = LaunchPlanner.plan(profile, facts, options);
    Redactor redactor = new Redactor(plan.env());

    if (dryRun) {
      out.print(PlanRenderer.render(plan, redactor));
      out.flush();
      return ExitCodes.OK;
    }
    plan.warnings().forEach(w -> err.println("twin: warning: " + redactor.redact(w)));
    if (explain) {
      err.print(PlanRenderer.explain(plan, redactor));
    }
    err.flush();

    boolean interactive = forms.isEmpty() && System.console() != null;
    return interactive ? interactive(plan, redactor, world) : script(plan, redactor, out, err);
  }

  private int interactive(LaunchPlan plan, Redactor redactor, Environment world) throws IOException {
    Path history = world.home.resolve(".local/state/twin/repl-history");
    try (Console console = Console.open(plan.profileName(), history, redactor)) {
      console.notice("starting a twin of '" + plan.profileName() + "' ...");
      return withTwin(plan, console::service, supervisor -> {
        console.notice("twin " + plan.twinId() + " of " + plan.profileName() + " (pid " + supervisor.twinPid()
            + ", java " + plan.javaVersion() + ", Clojure " + supervisor.clojureVersion()
            + "): the service's main did not run.");
        runInit(supervisor, plan, console);
        console.notice("Ctrl-C interrupts an evaluation; Ctrl-D ends the twin.");
        console.run(new SessionDriver(console).open(supervisor, "console"));
        return ExitCodes.OK;
      });
    }
  }

  private int script(LaunchPlan plan, Redactor redactor, PrintWriter out, PrintWriter err) throws IOException {
    String text = forms.isEmpty() ? readAll(System.in) : String.join("\n", forms);
    StreamPrinter printer = new StreamPrinter(out, err, redactor);
    return withTwin(plan, printer::service, supervisor -> {
      runInit(supervisor, plan, printer);
      SessionDriver session = new SessionDriver(printer).open(supervisor, forms.isEmpty() ? "stdin" : "eval");
      if (!text.isBlank()) {
        session.eval(text);
      }
      session.close();
      return session.failures() > 0 ? ExitCodes.FAILED : ExitCodes.OK;
    });
  }

  /** Starts the twin, runs {@code body}, and ends the twin however the body or the JVM ends. */
  private int withTwin(LaunchPlan plan, java.util.function.Consumer<String> serviceOutput,
      java.util.function.ToIntFunction<Supervisor> body) {
    Supervisor supervisor = Supervisor.start(plan, Os.uid(), keepFiles, serviceOutput);
    Thread cleanup = new Thread(supervisor::close, "twin-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      return body.applyAsInt(supervisor);
    } finally {
      supervisor.close();
      removeHook(cleanup);
    }
  }

  /** Runs twin.init in a session of its own: failures are shown, and the prompt still comes. */
  private static void runInit(Supervisor supervisor, LaunchPlan plan, Printer printer) {
    if (plan.init().isEmpty()) {
      return;
    }
    int[] index = {0};
    Printer initPrinter = new Printer() {
      @Override public void value(String printed) { }
      @Override public void error(String message) {
        printer.notice("init form " + index[0] + " failed (the twin goes on): " + message.strip());
      }
      @Override public void out(String t) { printer.out(t); }
      @Override public void err(String t) { printer.err(t); }
      @Override public void service(String line) { printer.service(line); }
      @Override public void notice(String message) { printer.notice(message); }
    };
    SessionDriver init = new SessionDriver(initPrinter).open(supervisor, "init");
    for (String form : plan.init()) {
      index[0]++;
      init.eval(form);
    }
    init.close();
  }

  private static String readAll(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or ran
    }
  }
}
