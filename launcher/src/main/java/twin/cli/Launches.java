package twin.cli;

import java.io.PrintWriter;
import java.security.SecureRandom;
import java.util.HexFormat;
import twin.ExitCodes;
import twin.Os;
import twin.TwinException;
import twin.client.CtrlC;
import twin.client.Printer;
import twin.client.SessionDriver;
import twin.client.StreamPrinter;
import twin.plan.ClassDataArchive;
import twin.plan.LaunchPlan;
import twin.plan.LaunchPlanner;
import twin.plan.PlanOptions;
import twin.plan.ServiceFacts;
import twin.plan.ServiceInspector;
import twin.profile.Profile;
import twin.profile.ProfileException;
import twin.secret.Redactor;
import twin.supervisor.SessionOpener;
import twin.supervisor.Supervisor;
import twin.audit.ClientInfo;
import twin.audit.Recorder;
import java.nio.file.Path;
import java.util.Map;
import twin.plan.DatabaseConfig;

/** What launch, supervise and eval share: planning a twin, running init, running forms. */
final class Launches {
  private Launches() {}

  /** A planned twin: the profile, the plan, and the redactor built from the twin's environment. */
  record Prepared(Profile profile, LaunchPlan plan, Redactor redactor) {}

  static String newId(String profileName) {
    return profileName + "-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
  }

  /**
   * {@link #prepare} for a TWIN|PROFILE argument that named no running twin: a name that is
   * neither says both were looked for.
   */
  static Prepared prepareForTarget(Environment world, String target) throws ProfileException {
    try {
      return prepare(world, target, null, false, null);
    } catch (twin.profile.ProfileNotFoundException e) {
      throw TwinException.usage("no running twin and " + e.getMessage() + "; twin ps lists the running twins");
    }
  }

  static Prepared prepare(Environment world, String profileRef, String heap, boolean scope, String twinId)
      throws ProfileException {
    if (heap != null && !twin.profile.ProfileLoader.HEAP.matcher(heap).matches()) {
      throw TwinException.usage("--heap takes a size with a unit, such as 512m or 2g, not '" + heap + "'");
    }
    Profile profile = world.resolveProfile(profileRef);
    ServiceFacts facts = new ServiceInspector(world.env, world.cwd).inspect(profile);
    TwinHome home = TwinHome.locate(world.env);
    String id = twinId != null ? twinId : newId(profile.name());
    PlanOptions options = new PlanOptions(id, home.runtimeJar(), home.clojureJars(),
        world.locations().runtimeDir().resolve(id), Os.uid(), Os.userName(), heap, scope);
    LaunchPlan plan = LaunchPlanner.plan(profile, facts, options);
    plan = plan.withArchive(ClassDataArchive.decide(plan, world.locations().cacheDir(), facts.user().uid() != Os.uid()));
    return new Prepared(profile, plan, LaunchPlanner.redactor(profile, plan));
  }

  /** The files written into the twin's private directory before it starts: the databases file. */
  static Map<String, String> privateFiles(Prepared prepared, boolean allowWrites) {
    String config = DatabaseConfig.render(prepared.profile(), Os.userName(), allowWrites);
    return config == null ? Map.of() : Map.of(DatabaseConfig.FILE_NAME, config);
  }

  /** The recorder of a twin's sessions: transcripts under the state dir. */
  static Recorder recorder(LaunchPlan plan, Redactor redactor) {
    Path dir = Environment.current().locations().stateDir().resolve("transcripts");
    return new Recorder(dir, plan.twinId(), plan.profileName(), redactor);
  }

  /** Runs twin.init in a session of its own: failures are shown, and the prompt still comes. */
  static void runInit(SessionOpener supervisor, LaunchPlan plan, Printer printer) {
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

  /** Starts a twin, evaluates {@code text} in it, ends it: exit 1 if a form threw. */
  static int runOnce(Prepared prepared, String text, String kind, boolean keepFiles, Printer printer, String reason) {
    return runOnce(prepared, text, kind, keepFiles, printer, reason, false);
  }

  /** {@link #runOnce}, with read-write databases allowed or not ({@code --allow-writes}). */
  static int runOnce(Prepared prepared, String text, String kind, boolean keepFiles, Printer printer, String reason,
      boolean allowWrites) {
    LaunchPlan plan = prepared.plan();
    Supervisor supervisor = Supervisor.start(plan, Os.uid(), keepFiles, printer::service,
        privateFiles(prepared, allowWrites));
    Thread cleanup = new Thread(supervisor::close, "twin-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      SessionOpener recorded = recorder(plan, prepared.redactor()).recording(supervisor, ClientInfo.self(reason, kind));
      runInit(recorded, plan, printer);
      return evalIn(recorded, text, kind, printer);
    } finally {
      supervisor.close();
      removeHook(cleanup);
    }
  }

  /** Evaluates {@code text} in a new session of {@code twin}; exit 1 if a form threw. */
  static int evalIn(twin.supervisor.SessionOpener twin, String text, String kind, Printer printer) {
    SessionDriver session = new SessionDriver(printer);
    // A detached twin outlives this command: leaving with a second Ctrl-C leaves the evaluation
    // there, so say what stays and how to end it. A twin started for this command ends with it.
    String id = twin instanceof twin.client.RemoteTwin remote ? remote.entry().id() : null;
    if (id != null) {
      session.onUnstoppable("the evaluation could not be stopped; press Ctrl-C again to leave it behind "
          + "(it keeps a thread of twin " + id + " busy until the twin ends: twin stop " + id + ")");
    }
    session.open(twin, kind);
    if (printer instanceof SessionAware aware) {
      aware.opened(session);
    }
    if (!text.isBlank()) {
      Runnable leaving = id == null ? () -> { } : () -> printer.notice(session.isStuck()
          ? "left the evaluation behind: it could not be stopped and holds a thread of twin " + id
              + "; to end it: twin stop " + id
          : "left without waiting: twin " + id + " goes on interrupting the evaluation; if it cannot stop it, "
              + "twin stop " + id + " ends the twin");
      try (CtrlC ctrlC = CtrlC.interrupting(session::interrupt, leaving)) {
        session.eval(text);
      }
    }
    session.close();
    return session.failures() > 0 ? ExitCodes.FAILED : ExitCodes.OK;
  }

  /** A printer that wants the session it prints for, e.g. to interrupt it when its reader goes away. */
  interface SessionAware {
    void opened(SessionDriver session);
  }

  static StreamPrinter printer(PrintWriter out, PrintWriter err, Redactor redactor) {
    return new StreamPrinter(out, err, redactor);
  }

  static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or ran
    }
  }
}
