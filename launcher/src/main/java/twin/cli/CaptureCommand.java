package twin.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import twin.ExitCodes;
import twin.TwinException;
import twin.capture.CapturedProfile;
import twin.capture.JavaCommandLine;
import twin.capture.LiveProcess;
import twin.capture.ProcReader;
import twin.capture.ProfileCapture;
import twin.capture.SystemdUnits;
import twin.capture.UnitService;
import twin.plan.LaunchPlanner;
import twin.profile.ProfileSource;

/** {@code twin capture}: write a profile of a running JVM, read from /proc. */
@Command(
    name = "capture",
    mixinStandardHelpOptions = true,
    description = {
        "Writes a profile of a running JVM service, from /proc (--pid, --match) or from its systemd unit "
            + "file (--unit).",
        "",
        "By default the profile is live-linked: it holds only a name and a source: (the pid, the match "
            + "text or the unit), and every launch, --dry-run, profiles show and diff read the service's java, "
            + "JVM options, classpath, main, environment, workdir and user from it again. It never holds "
            + "a secret, and it stays true after the next deploy. Keys added to it by hand override what "
            + "is read.",
        "",
        "With --snapshot it is self-contained: the launch as it is now, @argfiles expanded, relative "
            + "classpath entries kept relative to the workdir. Secrets never go into the YAML: variables "
            + "whose names mark a secret (PASSWORD, TOKEN, KEY, ...) or whose values hold a URL password go "
            + "to an env file beside it (FILE without .yaml, plus .env), created with mode 0600 and named in "
            + "env-files. Without -o, a snapshot of a service with secret variables is refused.",
        ""},
    footerHeading = "%nExamples:%n",
    footer = {
        "  twin capture --match demo.DemoService -o profiles/demo-live.yaml",
        "                                                 live-linked to the one JVM running that main class",
        "  twin capture --pid 41230                       print a live-linked profile of pid 41230",
        "  twin capture --pid 41230 --snapshot --name orders -o /etc/twin/profiles/orders.yaml",
        "                                                 self-contained; secrets go to orders.env (0600)",
        "  twin capture --unit orders.service -o /etc/twin/profiles/orders.yaml",
        "  twin launch profiles/demo-live.yaml --dry-run  then see what a twin of it would run",
        "  twin diff profiles/orders.yaml                 later: what changed in the live service"})
public final class CaptureCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  /** Which process: exactly one of the two. */
  static final class Target {
    @Option(names = "--pid", paramLabel = "PID", required = true,
        description = "The pid of the service's JVM (not of a wrapper script).")
    Long pid;

    @Option(names = "--match", paramLabel = "TEXT", required = true,
        description = "The one JVM whose command line contains TEXT, or that runs a -jar whose manifest "
            + "Main-Class is TEXT (twin's own JVMs are left out).")
    String match;

    @Option(names = "--unit", paramLabel = "UNIT", required = true,
        description = "A systemd service, read from its unit file and drop-ins (no running systemd needed); "
            + "its EnvironmentFile= files are named in the profile, not copied.")
    String unit;
  }

  @Option(names = "--unit-path", paramLabel = "DIRS",
      description = "With --unit: the unit search path, colon-separated (default: $TWIN_UNIT_PATH, else "
          + "/etc/systemd/system:/run/systemd/system:/lib/systemd/system:/usr/lib/systemd/system).")
  String unitPath;

  @Option(names = "--name", paramLabel = "NAME",
      description = "The profile's name (default: with -o, the file's name without .yaml, which is the name "
          + "twin launch finds it by; else the unit's name, or the main class or jar, lower-cased).")
  String name;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE",
      description = "Write the profile to FILE; with --snapshot, secret variables go to the env file beside it "
          + "(default: print the profile on stdout). An existing FILE or env file is refused unless --force.")
  Path output;

  @Option(names = "--force",
      description = "With -o: replace an existing profile and env file (each written to a new file, then renamed "
          + "over it). A symbolic link, or a unit's own EnvironmentFile=, is refused even so.")
  boolean force;

  @Option(names = "--snapshot",
      description = "Write a self-contained profile of the launch as it is now, secrets in a 0600 env file "
          + "beside it (default: a live-linked profile with source:, read again at each launch).")
  boolean snapshot;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (output != null) {
      CapturedProfile.checkOutput(output, force);
    } else if (force) {
      throw TwinException.usage("--force replaces the file of -o FILE; there is none");
    }
    String fileName = fileName();
    String profileName = name != null ? name : fileName;
    CapturedProfile profile;
    List<Path> serviceEnvFiles = List.of();
    if (target.unit != null) {
      UnitService unit = loadUnit();
      unit.warnings().forEach(w -> err.println("twin: warning: " + w));
      serviceEnvFiles = unit.environmentFiles().stream().map(UnitService.EnvironmentFileRef::path).toList();
      profile = fromUnit(unit, profileName, err);
    } else {
      ProcReader reader = new ProcReader();
      long pid = target.pid != null ? target.pid : matchOne(reader, target.match, err);
      LiveProcess process = reader.read(pid);
      JavaCommandLine command = JavaCommandLine.parse(process.cmdline(), process.cwd());
      String twinRole = twinRole(process, command);
      if (twinRole != null) {
        err.println("twin: warning: pid " + pid + " is " + twinRole + ", not the service: capture the service's own "
            + "JVM (twin ps lists twins and their pids)");
      }
      if (snapshot) {
        profile = ProfileCapture.capture(process, command, profileName, output);
      } else {
        ProfileSource source = target.pid != null
            ? new ProfileSource(ProfileSource.Kind.PID, Long.toString(pid), null)
            : new ProfileSource(ProfileSource.Kind.MATCH, target.match, null);
        profile = ProfileCapture.linked(source, command, profileName, "pid " + pid + " (user " + process.user() + ")");
      }
    }
    profile.warnings().forEach(w -> err.println("twin: warning: " + w));
    if (output == null) {
      out.print(profile.yaml());
      out.flush();
      err.flush();
      return ExitCodes.OK;
    }
    profile.writeTo(output, force, serviceEnvFiles);
    if (fileName == null || !fileName.equals(profile.name())) {
      err.println("twin: warning: the profile is named '" + profile.name() + "' but twin finds a profile by its "
          + "file name, so twin launch " + profile.name() + " will not find " + output + ": name the file "
          + profile.name() + ".yaml, or launch it by its path");
    }
    int secrets = profile.secrets().size();
    err.println("twin: wrote " + output + (!snapshot ? " (live-linked: read from the service at each launch)"
        : profile.envFile() == null ? ""
        : " (and " + profile.envFile() + ", 0600, with " + secrets + " secret variable" + (secrets == 1 ? "" : "s") + ")"));
    err.println("twin: try: twin launch " + output + " --dry-run");
    err.flush();
    return ExitCodes.OK;
  }

  /** The unit named by --unit, read from --unit-path or the standard path. */
  private UnitService loadUnit() {
    SystemdUnits units = unitPath != null
        ? new SystemdUnits(java.util.Arrays.stream(unitPath.split(":")).filter(d -> !d.isEmpty()).map(Path::of).toList())
        : SystemdUnits.standard(System.getenv());
    UnitService unit = units.load(target.unit);
    SystemdUnits.requireJava(unit);
    return unit;
  }

  /** A profile from a unit file: ExecStart, Environment=, EnvironmentFile=, WorkingDirectory=, User=. */
  private CapturedProfile fromUnit(UnitService unit, String profileName, PrintWriter err) {
    Path workdir = Path.of(unit.workingDirectory() == null || unit.workingDirectory().equals("~")
        ? "/" : unit.workingDirectory());
    JavaCommandLine command = JavaCommandLine.parse(unit.execStart(), workdir);
    // The unit's name is the service's name: orders.service gives orders, worker@blue.service worker-blue.
    String named = profileName != null ? profileName : unitProfileName(unit);
    if (!snapshot) {
      if (unitPath != null) {
        err.println("twin: warning: --unit-path is not recorded in the profile; launch it with TWIN_UNIT_PATH="
            + unitPath + " (or use --snapshot)");
      }
      return ProfileCapture.linked(new ProfileSource(ProfileSource.Kind.SYSTEMD_UNIT, unit.unitName(), null), command,
          named, "unit " + unit.unitName());
    }
    List<Path> envFiles = new java.util.ArrayList<>();
    for (UnitService.EnvironmentFileRef ref : unit.environmentFiles()) {
      if (java.nio.file.Files.isRegularFile(ref.path()) || !ref.optional()) {
        envFiles.add(ref.path());
      } else {
        err.println("twin: warning: " + ref.path() + " (EnvironmentFile=-, optional) does not exist; left out");
      }
    }
    String user = unit.user() == null ? "root" : unit.user();
    LiveProcess asUnit = new LiveProcess(0, unit.execStart(), Path.of(unit.execStart().get(0)), unit.environment(),
        workdir, -1, user);
    return ProfileCapture.capture(asUnit, command, named, output, envFiles, "unit " + unit.unitName(),
        unit.execEnvironment());
  }

  /**
   * The name twin launch finds the -o file by (its name without .yaml or .yml), when that is a valid
   * profile name; else null.
   */
  private String fileName() {
    if (output == null || output.getFileName() == null) {
      return null;
    }
    String file = output.getFileName().toString();
    String stem = file.endsWith(".yaml") ? file.substring(0, file.length() - 5)
        : file.endsWith(".yml") ? file.substring(0, file.length() - 4) : null;
    return stem != null && stem.matches("[a-z0-9][a-z0-9-]*") ? stem : null;
  }

  /**
   * What twin process {@code process} is (a twin's JVM, or twin's own launcher or supervisor), or
   * null when it is not twin's: capturing one of those is almost certainly a mistaken pid.
   */
  static String twinRole(LiveProcess process, JavaCommandLine command) {
    String profile = process.env().get("TWIN_PROFILE");
    if (LaunchPlanner.RUNTIME_MAIN.equals(command.main())
        || ("1".equals(process.env().get("TWIN")) && profile != null)) {
      return "a twin's JVM" + (profile == null ? "" : " (profile '" + profile + "')");
    }
    if ("twin.Main".equals(command.main())
        || (command.jar() != null && (command.jar().equals("twin.jar") || command.jar().endsWith("/twin.jar")))) {
      return command.args().contains("supervise") ? "a twin's supervisor" : "twin itself";
    }
    return null;
  }

  private static String unitProfileName(UnitService unit) {
    return unit.unitName().replaceFirst("\\.service$", "").toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
  }

  private static long matchOne(ProcReader reader, String text, PrintWriter err) {
    if (text.isEmpty()) {
      throw TwinException.usage("--match needs a non-empty TEXT");
    }
    List<ProcReader.Candidate> found = reader.find(text);
    if (found.isEmpty()) {
      throw TwinException.usage("no JVM has '" + text + "' " + ProcReader.MATCHED_IN
          + " (twin's own JVMs are left out)");
    }
    if (found.size() > 1) {
      err.printf("%-8s %-12s %s%n", "PID", "USER", "RUNS");
      for (ProcReader.Candidate c : found) {
        err.printf("%-8d %-12s %s%n", c.pid(), c.user(), c.runs());
      }
      throw TwinException.usage(found.size() + " JVMs have '" + text + "' " + ProcReader.MATCHED_IN_ALL
          + "; pick one with --pid");
    }
    return found.get(0).pid();
  }
}
