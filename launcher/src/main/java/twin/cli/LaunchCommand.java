package twin.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import twin.ExitCodes;
import twin.Locations;
import twin.Os;
import twin.TwinException;
import twin.client.Console;
import twin.client.RemoteTwin;
import twin.client.SessionDriver;
import twin.client.TwinLocator;
import twin.plan.LaunchPlan;
import twin.plan.PlanRenderer;
import twin.supervisor.Supervisor;
import twin.supervisor.TwinProcess;

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
            + "results printed, and the twin ends; the exit code is 1 if a form threw. With --detach "
            + "the twin keeps running under a background supervisor: reach it with twin attach, "
            + "twin eval, twin ps and twin stop.",
        ""},
    footerHeading = "%nExamples:%n",
    footer = {
        "  twin launch demo                       interactive REPL in a twin of 'demo'",
        "  twin launch demo --dry-run             show what would run, and which rules applied",
        "  twin launch demo -e '(System/getenv \"DEMO_PORT\")'",
        "  echo '(+ 1 2)' | twin launch demo",
        "  twin launch demo --detach --reason 'INC-1234 stuck orders'",
        "  twin launch ./orders.yaml --heap 1g    a profile given by path, with a bigger heap"})
public final class LaunchCommand implements Callable<Integer>, Direct.Streamed {
  static final String DEFAULT_IDLE = "30m";
  static final String DEFAULT_LIFETIME = "8h";

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "PROFILE",
      description = "A profile name (found on the profile path) or a path to a profile file.")
  String profileName;

  @Option(names = "--dry-run", description = "Print the launch plan (argv, environment with secrets masked, workdir, user, rules applied) and start nothing.")
  boolean dryRun;

  @Option(names = "--explain", description = "Print the rules that acted on the service's options and the settings twin adds, "
      + "with their reasons, then launch.")
  boolean explain;

  @Option(names = "--heap", paramLabel = "SIZE", description = "The twin's maximum heap, e.g. 512m or 2g (default: twin.heap, else 512m).")
  String heap;

  @Option(names = {"-e", "--eval"}, paramLabel = "FORM", description = "Evaluate FORM, print its result, and end the twin. Repeatable.")
  List<String> forms = new ArrayList<>();

  @Option(names = "--detach", description = "Leave the twin running under a background supervisor; print its id and how to attach.")
  boolean detach;

  @Option(names = "--idle-timeout", paramLabel = "DURATION", description = "With --detach: end the twin after this long with no session and no evaluation (default " + DEFAULT_IDLE + ").")
  String idleTimeout;

  @Option(names = "--max-lifetime", paramLabel = "DURATION", description = "With --detach: end the twin this long after it started, whatever happens (default " + DEFAULT_LIFETIME + ").")
  String maxLifetime;

  @Option(names = "--reason", paramLabel = "TEXT", description = "Why this twin runs (shown by twin ps).")
  String reason;

  @Option(names = "--allow-writes", description = "Let the twin open databases in mode read-write (otherwise refused).")
  boolean allowWrites;

  @Option(names = "--scope", description = "Run the twin in a transient systemd scope with MemoryMax (twice the heap) and low CPU and IO weight. Needs a running systemd.")
  boolean scope;

  @Option(names = "--keep-files", description = "Keep the twin's private directory (logs, temp files) after it ends.")
  boolean keepFiles;

  @Override
  public Integer call() throws Exception {
    return call(spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  @Override
  public int call(PrintWriter out, PrintWriter err) throws Exception {
    if (detach && !forms.isEmpty()) {
      throw TwinException.usage("--detach and -e do not go together: launch with --detach, then use twin eval");
    }
    if (!detach && (idleTimeout != null || maxLifetime != null)) {
      throw TwinException.usage("--idle-timeout and --max-lifetime apply to detached twins (add --detach)");
    }
    Environment world = Environment.current();
    Launches.Prepared prepared = Launches.prepare(world, profileName, heap, scope, null);
    LaunchPlan plan = prepared.plan();
    // The flag, else the profile's twin.idle-timeout / twin.max-lifetime, else the default.
    String idle = firstOf(idleTimeout, prepared.profile().twin().idleTimeout(), DEFAULT_IDLE);
    String lifetime = firstOf(maxLifetime, prepared.profile().twin().maxLifetime(), DEFAULT_LIFETIME);
    Durations.parse(idleTimeout != null ? "--idle-timeout" : "twin.idle-timeout", idle);
    Durations.parse(maxLifetime != null ? "--max-lifetime" : "twin.max-lifetime", lifetime);

    if (dryRun) {
      out.print(PlanRenderer.render(plan, prepared.redactor()));
      List<String> databases = twin.plan.DatabaseConfig.describe(prepared.profile(), prepared.redactor());
      if (!databases.isEmpty()) {
        out.println("databases (resolved inside the twin; written to its private directory):");
        databases.forEach(d -> out.println("  " + d));
      }
      out.flush();
      return ExitCodes.OK;
    }
    plan.warnings().forEach(w -> err.println("twin: warning: " + prepared.redactor().redact(w)));
    reason = Reasons.require(reason, prepared.profile().twin().requireReason(), plan.profileName());
    if (reason != null) {
      // A reason is shown by twin ps and passed on the supervisor's command line: a secret typed
      // into it is masked as everywhere else.
      reason = prepared.redactor().redact(reason);
    }
    if (explain) {
      err.print(PlanRenderer.explain(plan, prepared.redactor()));
    }
    err.flush();

    if (detach) {
      // Unknown users or groups, or no setfacl: said here, before a supervisor starts.
      twin.profile.TwinSettings settings = prepared.profile().twin();
      if (!twin.supervisor.SharedAccess.resolve(settings.allowedUsers(), settings.allowedGroups()).isEmpty()) {
        twin.supervisor.SharedAccess.tool("setfacl");
      }
      return detach(world, plan, idle, lifetime, out, err);
    }
    boolean interactive = forms.isEmpty() && System.console() != null;
    if (interactive) {
      return interactive(prepared, world);
    }
    String text = forms.isEmpty() ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8) : String.join("\n", forms);
    try {
      return Launches.runOnce(prepared, text, forms.isEmpty() ? "stdin" : "eval", keepFiles,
          Launches.printer(out, err, prepared.redactor()), reason, allowWrites);
    } finally {
      keptFiles(plan, err);
    }
  }

  /** With --keep-files, where they are (the twin's logs, dumps and temp files). */
  private void keptFiles(LaunchPlan plan, PrintWriter err) {
    if (keepFiles && Files.isDirectory(plan.privateDir())) {
      err.println("twin: kept the twin's private files in " + plan.privateDir());
      err.flush();
    }
  }

  private int interactive(Launches.Prepared prepared, Environment world) throws IOException {
    LaunchPlan plan = prepared.plan();
    Path history = world.home.resolve(".local/state/twin/repl-history");
    try (Console console = Console.open(plan.profileName(), history, prepared.redactor())) {
      console.notice("starting a twin of '" + plan.profileName() + "' ...");
      // An evaluation that cannot be stopped, left behind with a second Ctrl-C, costs this twin:
      // a fresh one takes its place, with init run again.
      while (interactiveTwin(prepared, console)) {
        console.notice("restarting: the stuck evaluation ends with its twin; state defined at the prompt is gone");
      }
      if (keepFiles && Files.isDirectory(plan.privateDir())) {
        console.notice("kept the twin's private files in " + plan.privateDir());
      }
      return ExitCodes.OK;
    }
  }

  /** One twin at the console; true when it must be restarted. */
  private boolean interactiveTwin(Launches.Prepared prepared, Console console) {
    LaunchPlan plan = prepared.plan();
    Supervisor supervisor = Supervisor.start(plan, Os.uid(), keepFiles, console::service,
        Launches.privateFiles(prepared, allowWrites));
    Thread cleanup = new Thread(supervisor::close, "twin-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      console.notice("twin " + plan.twinId() + " of " + plan.profileName() + " (pid " + supervisor.twinPid()
          + ", java " + plan.javaVersion() + ", Clojure " + supervisor.clojureVersion()
          + "): the service's main did not run.");
      twin.supervisor.SessionOpener recorded = Launches.recorder(plan, prepared.redactor())
          .recording(supervisor, twin.audit.ClientInfo.self(reason, "console"));
      Launches.runInit(recorded, plan, console);
      console.notice("Ctrl-C interrupts an evaluation; Ctrl-D ends the twin. Sessions are recorded.");
      return console.run(new SessionDriver(console).open(recorded, "console"));
    } finally {
      supervisor.close();
      Launches.removeHook(cleanup);
    }
  }

  /** Starts a background supervisor for this plan and waits until its socket answers. */
  private int detach(Environment world, LaunchPlan plan, String idle, String lifetime, PrintWriter out,
      PrintWriter err) throws IOException {
    Path runtime = world.locations().runtimeDir();
    Locations.ensureRuntimeDir(runtime, false);
    Path twins = Locations.ensurePrivateDir(TwinLocator.twinsDir(runtime), "rwx------");
    Path dir = Locations.ensurePrivateDir(twins.resolve(plan.twinId()), "rwx------");
    Path log = dir.resolve("supervisor.log");
    Files.deleteIfExists(log);
    Files.createFile(log, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    String java = ProcessHandle.current().info().command().orElse("java");
    Path jar = TwinHome.locate(world.env).dir().resolve("twin.jar");
    // A supervisor lives as long as its twin: a small initial heap keeps its RSS to what it uses
    // (-Xms8m, as the twin's), and it maps the launcher's class-data archive when this launcher did.
    // Unlike the launcher it keeps C2: it relays and masks everything its twin prints, and C1 has
    // no vectorized String.indexOf (masking 1M rows of twin sql: 0.8 s of CPU with C1, 0.5 s with C2).
    List<String> command = new ArrayList<>(List.of(java, "-Xmx128m", "-Xms8m", "-XX:+UseSerialGC",
        "-XX:-UsePerfData"));
    String archive = System.getProperty("twin.launcher-archive");
    if (archive != null && !archive.isEmpty()) {
      command.addAll(List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto", "-Xlog:cds=off",
          "-Xlog:cds+dynamic=off"));
    }
    command.addAll(List.of("-cp", jar.toString(), "twin.Main", "supervise", "--id", plan.twinId(),
        "--idle-timeout", idle, "--max-lifetime", lifetime));
    if (heap != null) {
      command.addAll(List.of("--heap", heap));
    }
    if (scope) {
      command.add("--scope");
    }
    if (reason != null) {
      command.addAll(List.of("--reason", reason));
    }
    if (allowWrites) {
      command.add("--allow-writes");
    }
    command.add(plan.profileFile().toString());
    Process supervisor = TwinProcess.spawnDetached(command, world.cwd, log);
    Path socket = dir.resolve("twin.sock");
    long deadline = System.currentTimeMillis() + 180_000;
    while (!Files.exists(socket)) {
      if (!supervisor.isAlive() || System.currentTimeMillis() > deadline) {
        supervisor.destroyForcibly();
        List<String> lines = Files.readAllLines(log);
        String tail = String.join("\n  ", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        Supervisor.deleteTree(dir);
        throw new TwinException(ExitCodes.FAILED, "the detached twin did not start", "its supervisor log ("
            + log + "):\n  " + tail, null);
      }
      sleep(50);
    }
    RemoteTwin twin = new TwinLocator(runtime).require(plan.twinId());
    Map<String, String> status = twin.status();
    out.println(plan.twinId());
    err.println("twin: started " + plan.twinId() + " (twin pid " + status.get("twin-pid") + ", supervisor pid "
        + status.get("supervisor-pid") + "; idle timeout " + idle + ", max lifetime " + lifetime + ")");
    err.println("twin: attach with: twin attach " + plan.twinId() + "   (or plain: socat - UNIX-CONNECT:" + socket + ")");
    err.println("twin: end it with: twin stop " + plan.twinId());
    return ExitCodes.OK;
  }

  private static String firstOf(String... values) {
    for (String v : values) {
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
