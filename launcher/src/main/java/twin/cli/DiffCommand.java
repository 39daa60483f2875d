package twin.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import twin.ExitCodes;
import twin.TwinException;
import twin.capture.Drift;
import twin.capture.JavaCommandLine;
import twin.capture.LiveProcess;
import twin.capture.LiveSource;
import twin.capture.ProcReader;
import twin.plan.ServiceFacts;
import twin.plan.ServiceInspector;
import twin.profile.Profile;
import twin.profile.ProfileException;
import twin.profile.ProfileSource;

/** {@code twin diff}: what differs between a profile and the live service it describes. */
@Command(
    name = "diff",
    mixinStandardHelpOptions = true,
    description = {
        "Compares a profile, resolved as a launch would resolve it, with the live JVM: classpath entries "
            + "(wildcards expanded on both sides; a file replaced or modified since the service started counts "
            + "as changed), JVM options, environment variables, the java binary and its version, the workdir "
            + "and the user. A secret variable is only ever reported as changed, never with its value.",
        "",
        "The live JVM is --pid PID, else --match TEXT, else the profile's own source: (pid, pid-file or match), "
            + "else the one JVM running the profile's main class (in its command line, or as the Main-Class of "
            + "its -jar), and when no JVM does, the one whose command line holds the file name of the "
            + "profile's jar.",
        "",
        "Exit codes: 0 no drift, 1 drift, 2 bad usage, a bad profile or no such live JVM, 3 the live JVM's "
            + "environment is not readable (run as root or as its user).",
        ""},
    footerHeading = "%nExamples:%n",
    footer = {
        "  twin diff profiles/orders.yaml               against the JVM running com.example.orders.Main",
        "  twin diff orders --pid 41230                 against pid 41230",
        "  twin diff orders --json | jq .env            for scripts: {\"change\":\"changed\",\"name\":...}",
        "",
        "Output: + only in the live service, - only in the profile, ~ changed; settings read profile -> live:",
        "  drift: profile 'orders' (profiles/orders.yaml) against pid 41230 (user orders, started ...)",
        "  classpath:",
        "    ~ /opt/orders/lib/core.jar: replaced since the service opened it (it still runs the old file; ...)",
        "  env:",
        "    ~ DB_PASSWORD: changed (a secret: value not shown)",
        "    + FEATURE_FLAG=on",
        "  java-version: 17.0.9 -> 17.0.15"})
public final class DiffCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "PROFILE", description = "A profile name or a path to a profile file.")
  String profileRef;

  @ArgGroup(exclusive = true)
  Target target;

  /** Which live JVM: at most one of the two. */
  static final class Target {
    @Option(names = "--pid", paramLabel = "PID", description = "The live JVM's pid.")
    Long pid;

    @Option(names = "--match", paramLabel = "TEXT",
        description = "The one JVM whose command line contains TEXT, or that runs a -jar whose manifest Main-Class "
            + "is TEXT.")
    String match;
  }

  @Option(names = "--json", description = "Print one JSON object instead of the human report.")
  boolean json;

  @Override
  public Integer call() throws ProfileException {
    Environment world = Environment.current();
    Profile written = world.loadProfile(profileRef);
    LiveSource source = LiveSource.standard(world.env);
    Profile resolved = source.resolve(written);
    ProcReader reader = new ProcReader();
    LiveProcess process = live(written, resolved, source, reader);
    JavaCommandLine command = JavaCommandLine.parse(process.cmdline(), process.cwd());
    Profile liveLaunch = LiveSource.processLaunch(written.file(), written.name(), process, command);

    // Both sides read by the same inspector, with no launcher variables added: the service's own.
    ServiceInspector inspector = new ServiceInspector(Map.of(), world.cwd);
    ServiceFacts facts = inspector.inspect(resolved);
    Drift.Side profileSide = side(facts, facts.user().name());
    Drift.Side liveSide = side(inspector.inspect(liveLaunch), process.user());
    Instant started = ProcessHandle.of(process.pid()).flatMap(h -> h.info().startInstant()).orElse(null);
    Drift drift = Drift.compare(written.name(), written.file(), process.pid(), profileSide, liveSide, started,
        Drift.openFiles(process.pid()), written.twin().secretNames());

    PrintWriter out = spec.commandLine().getOut();
    out.print(json ? drift.json() : drift.human());
    out.flush();
    return drift.same() ? ExitCodes.OK : ExitCodes.FAILED;
  }

  private LiveProcess live(Profile written, Profile resolved, LiveSource source, ProcReader reader) {
    if (target != null && target.pid != null) {
      return reader.read(target.pid);
    }
    if (target != null && target.match != null) {
      return reader.read(one(reader, target.match, "--match"));
    }
    if (written.source() != null && written.source().kind() != ProfileSource.Kind.SYSTEMD_UNIT) {
      return source.process(written);
    }
    String main = resolved.main();
    String jar = resolved.jar() == null ? null : Path.of(resolved.jar()).getFileName().toString();
    if (main == null && jar == null) {
      throw TwinException.usage("profile '" + written.name() + "' names no main class or jar to find its JVM by; "
          + "give --pid PID or --match TEXT");
    }
    // The main class first; a -jar service whose manifest names another Main-Class (a launcher
    // such as Spring Boot's) has only its jar's file name in its command line.
    List<ProcReader.Candidate> byMain = main == null ? List.of() : reader.find(main);
    if (!byMain.isEmpty() || jar == null) {
      return reader.read(one(byMain, main, "the profile's main class"));
    }
    List<ProcReader.Candidate> byJar = reader.find(jar);
    if (byJar.isEmpty() && main != null) {
      throw TwinException.usage("no JVM has '" + main + "' (the profile's main class) " + ProcReader.MATCHED_IN
          + ", nor '" + jar + "' (its jar's file name); start the service, or give --pid PID");
    }
    return reader.read(one(byJar, jar, "the file name of the profile's jar"));
  }

  private static long one(ProcReader reader, String text, String by) {
    if (text.isEmpty()) {
      throw TwinException.usage("--match needs a non-empty TEXT");
    }
    return one(reader.find(text), text, by);
  }

  private static long one(List<ProcReader.Candidate> found, String text, String by) {
    if (found.isEmpty()) {
      throw TwinException.usage("no JVM has '" + text + "' " + ProcReader.MATCHED_IN + " (" + by
          + "); start the service, or give --pid PID");
    }
    if (found.size() > 1) {
      throw TwinException.usage(found.size() + " JVMs have '" + text + "' " + ProcReader.MATCHED_IN_ALL + " (" + by
          + "; pids " + String.join(", ", found.stream().map(c -> Long.toString(c.pid())).toList())
          + "); pick one with --pid");
    }
    return found.get(0).pid();
  }

  private static Drift.Side side(ServiceFacts facts, String user) {
    return new Drift.Side(facts.java(), facts.javaVersion(), facts.workdir(), user, facts.jvmOptions(),
        facts.classpath(), facts.env());
  }
}
