package twin.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import twin.Os;
import twin.TwinException;
import twin.profile.EnvFile;
import twin.profile.Profile;
import twin.profile.ProfileException;
import twin.profile.ProfileSource;

/**
 * Resolves a profile's {@code source:} into the launch a twin runs: the live process's (or the
 * systemd unit's) java, workdir, user, classpath or jar, main, args, JVM options and environment,
 * with the keys written in the profile on top. Nothing stale is ever used: a source that is gone
 * is an error that says what to do.
 */
public final class LiveSource {

  /** What to do when the source is gone, appended to every such error. */
  public static final String WHAT_TO_DO = "start the service, or capture a self-contained profile with twin capture --snapshot";

  // Set per process by the shell that started it; a twin gets its own.
  private static final List<String> NOT_COPIED = List.of("_");

  private final ProcReader reader;
  private final SystemdUnits units;

  /** Processes are read with {@code reader}, units looked up with {@code units}. */
  public LiveSource(ProcReader reader, SystemdUnits units) {
    this.reader = reader;
    this.units = units;
  }

  /** A source reading the real /proc, and units on {@code $TWIN_UNIT_PATH} or systemd's path. */
  public static LiveSource standard(Map<String, String> env) {
    return new LiveSource(new ProcReader(), SystemdUnits.standard(env));
  }

  /**
   * {@code profile} itself when it has no source; else the live launch with the profile's keys on
   * top (see profiles/README.md for the rules). The result keeps the source and the profile's marks.
   *
   * @throws TwinException when the source is gone or unreadable: exit 2 (gone, not a JVM, no unit),
   *     3 (not permitted to read it), 1 (it ended while being read)
   */
  public Profile resolve(Profile profile) {
    if (profile.source() == null) {
      return profile;
    }
    return overlay(profile, live(profile));
  }

  /**
   * The live process a profile's source names ({@code pid}, {@code pid-file}, {@code match}); null
   * for a {@code systemd-unit} source, which names a unit file rather than a process.
   */
  public LiveProcess process(Profile profile) {
    ProfileSource source = profile.source();
    if (source == null || source.kind() == ProfileSource.Kind.SYSTEMD_UNIT) {
      return null;
    }
    try {
      return reader.read(pid(source));
    } catch (TwinException e) {
      throw wrap(profile, e);
    }
  }

  /** The launch the source describes, as a profile with absolute paths and no profile keys. */
  Profile live(Profile profile) {
    ProfileSource source = profile.source();
    if (source.kind() == ProfileSource.Kind.SYSTEMD_UNIT) {
      try {
        return unitLaunch(profile.file(), profile.name(), units.load(source.value()));
      } catch (TwinException e) {
        throw wrap(profile, e);
      }
    }
    LiveProcess process = process(profile);
    try {
      return processLaunch(profile.file(), profile.name(), process,
          JavaCommandLine.parse(process.cmdline(), process.cwd()));
    } catch (TwinException e) {
      throw wrap(profile, e);
    }
  }

  /** What {@code process} runs, as a profile named {@code name}: paths made absolute against its cwd. */
  public static Profile processLaunch(Path file, String name, LiveProcess process, JavaCommandLine command) {
    Map<String, String> env = new LinkedHashMap<>();
    process.env().forEach((var, value) -> {
      // Names a profile could not hold (a.b=1) are kept: the twin gets the service's environment as it is.
      if (!NOT_COPIED.contains(var)) {
        env.put(var, value);
      }
    });
    List<String> classpath = command.classpath();
    if (command.jar() == null && classpath.isEmpty()) {
      // Without -cp the java launcher reads $CLASSPATH, else the current directory.
      String fromEnv = process.env().get("CLASSPATH");
      classpath = fromEnv == null || fromEnv.isEmpty() ? List.of(".") : List.of(fromEnv.split(":"));
    }
    return launch(file, name, process.exe().toString(), process.cwd(), classpath, command, env, process.user());
  }

  /** What a unit starts: ExecStart=, Environment= then EnvironmentFile= (as systemd applies them). */
  static Profile unitLaunch(Path file, String name, UnitService unit) {
    SystemdUnits.requireJava(unit);
    String user = unit.user() == null ? "root" : unit.user();
    Path workdir = Path.of(unit.workingDirectory() == null ? "/"
        : unit.workingDirectory().equals("~") ? home(user) : unit.workingDirectory());
    Map<String, String> env = new LinkedHashMap<>(unit.environment());
    for (UnitService.EnvironmentFileRef ref : unit.environmentFiles()) {
      if (ref.optional() && !Files.exists(ref.path())) {
        continue;
      }
      env.putAll(envFile(ref.path()));
    }
    JavaCommandLine command = JavaCommandLine.parse(unit.execStart(), workdir);
    return launch(file, name, unit.execStart().get(0), workdir, command.classpath(), command, env, user);
  }

  private static Profile launch(Path file, String name, String java, Path cwd, List<String> classpath,
      JavaCommandLine command, Map<String, String> env, String user) {
    List<String> absolute = new ArrayList<>();
    for (String entry : classpath) {
      boolean wildcard = entry.endsWith("/*") || entry.equals("*");
      String dir = wildcard ? entry.substring(0, entry.length() - 1) : entry;
      absolute.add(cwd.resolve(dir.isEmpty() ? "." : dir).normalize() + (wildcard ? "/*" : ""));
    }
    String jar = command.jar() == null ? null : cwd.resolve(command.jar()).normalize().toString();
    return new Profile(file, name, java, cwd, jar == null ? absolute : List.of(), jar, command.main(),
        command.args(), command.jvmOptions(), env, List.of(), user, null, null);
  }

  /**
   * The profile's keys over the live launch: a written {@code java}, {@code workdir}, {@code user},
   * {@code main}, {@code args} or {@code jvm-options} replaces the live one; a written
   * {@code classpath} or {@code jar} replaces the live classpath and jar; the environment is the
   * live one, then the profile's {@code env-files}, then its {@code env}, variable by variable.
   */
  static Profile overlay(Profile written, Profile live) {
    Map<String, String> env = new LinkedHashMap<>(live.env());
    for (Path f : written.envFiles()) {
      env.putAll(envFile(f));
    }
    env.putAll(written.env());
    boolean ownClasspath = !written.classpath().isEmpty() || written.jar() != null;
    return new Profile(written.file(), written.name(),
        written.java() != null ? written.java() : live.java(),
        written.workdir() != null ? written.workdir() : live.workdir(),
        ownClasspath ? written.classpath() : live.classpath(),
        ownClasspath ? written.jar() : live.jar(),
        written.main() != null ? written.main() : live.main(),
        written.mark("args").isPresent() ? written.args() : live.args(),
        written.mark("jvm-options").isPresent() ? written.jvmOptions() : live.jvmOptions(),
        env, List.of(),
        written.user() != null ? written.user() : live.user(),
        written.twin(), written.marks(), written.source(), written.databases());
  }

  private static Map<String, String> envFile(Path file) {
    try {
      return EnvFile.parse(file);
    } catch (ProfileException e) {
      throw TwinException.usage(e.getMessage());
    }
  }

  private long pid(ProfileSource source) {
    return switch (source.kind()) {
      case PID -> Long.parseLong(source.value());
      case PID_FILE -> pidFromFile(Path.of(source.value()));
      case MATCH -> matchOne(source.value());
      case SYSTEMD_UNIT -> throw new IllegalStateException("a unit names no process");
    };
  }

  private long pidFromFile(Path file) {
    String text;
    try {
      text = Files.readString(file).strip();
    } catch (NoSuchFileException e) {
      throw TwinException.usage("the pid file " + file + " does not exist");
    } catch (IOException e) {
      throw TwinException.usage("cannot read the pid file " + file + ": " + Os.reason(e));
    }
    if (!text.matches("[1-9][0-9]{0,9}")) {
      throw TwinException.usage("the pid file " + file + " holds no pid");
    }
    long pid = Long.parseLong(text);
    if (ProcessHandle.of(pid).isEmpty()) {
      throw TwinException.usage("the pid file " + file + " names pid " + pid + ", which is not running (a stale pid file)");
    }
    return pid;
  }

  private long matchOne(String text) {
    List<ProcReader.Candidate> found = reader.find(text);
    if (found.isEmpty()) {
      throw TwinException.usage("no JVM has '" + text + "' " + ProcReader.MATCHED_IN);
    }
    if (found.size() > 1) {
      throw TwinException.usage(found.size() + " JVMs have '" + text + "' " + ProcReader.MATCHED_IN_ALL + " (pids "
          + String.join(", ", found.stream().map(c -> Long.toString(c.pid())).toList())
          + "): make source.match more specific, or use source.pid-file");
    }
    return found.get(0).pid();
  }

  /** One line: which source of which profile, what is wrong, and what to do when it is gone. */
  private static TwinException wrap(Profile profile, TwinException e) {
    ProfileSource source = profile.source();
    String at = source.mark() == null ? "" : " (" + source.mark() + ")";
    String message = e.getMessage();
    boolean gone = message.startsWith("no process") || message.startsWith("the pid file")
        || message.startsWith("no JVM has") || message.contains(" not found");
    return new TwinException(e.exitCode(), "profile '" + profile.name() + "', source " + source + at + ": "
        + message + (gone ? "; " + WHAT_TO_DO : ""), e.detail(), e);
  }

  private static String home(String user) {
    try {
      for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
        String[] f = line.split(":", -1);
        if (f.length > 5 && f[0].equals(user)) {
          return f[5];
        }
      }
    } catch (IOException e) {
      // fall through: the root directory, as systemd would without a home
    }
    return "/";
  }
}
