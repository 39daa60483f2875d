package twin.capture;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import twin.ExitCodes;
import twin.TwinException;
import twin.profile.Profile;
import twin.profile.ProfileException;
import twin.profile.ProfileLoader;
import twin.profile.ProfileRenderer;
import twin.profile.ProfileSource;
import twin.profile.YamlText;
import twin.secret.Redactor;

/**
 * Turns a live JVM into a profile (a snapshot of its launch as it is now). Secret variables never
 * go into the YAML: they go to an env file beside it, which the profile names in env-files.
 */
public final class ProfileCapture {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  // Set per process by the shell or the kernel's view of it; copying them would be wrong.
  private static final List<String> NOT_COPIED = List.of("_");

  private ProfileCapture() {}

  /**
   * The profile of {@code process}, run as {@code command}.
   *
   * @param name the profile's name, or null to derive it from the main class or jar
   * @param output the file the profile goes to, or null for stdout (then the environment must
   *     hold no secret)
   * @throws TwinException exit 2 for a bad name, or secrets with no file to put them in
   */
  public static CapturedProfile capture(LiveProcess process, JavaCommandLine command, String name, Path output) {
    return capture(process, command, name, output, List.of(),
        "pid " + process.pid() + " (user " + process.user() + ")", Map.of());
  }

  /**
   * The profile of a service launched as {@code command} with {@code process}'s environment,
   * workdir and user, naming {@code envFiles} (the service's own, e.g. a unit's
   * EnvironmentFile=) before the one twin writes for secrets; {@code origin} says where it came from.
   * The values of secret variables, of the process's environment and of {@code alsoKnown} (e.g. what
   * a unit's ExecStart= was expanded with), are masked wherever they appear in the command line.
   */
  public static CapturedProfile capture(LiveProcess process, JavaCommandLine command, String name, Path output,
      List<Path> envFiles, String origin, Map<String, String> alsoKnown) {
    String profileName = name == null ? deriveName(command) : name;
    if (!NAME.matcher(profileName).matches()) {
      throw TwinException.usage("--name must match [a-z0-9][a-z0-9-]*, not '" + profileName + "'");
    }
    List<String> warnings = new ArrayList<>();
    Map<String, String> env = new LinkedHashMap<>();
    Map<String, String> secrets = new LinkedHashMap<>();
    process.env().forEach((var, value) -> {
      if (NOT_COPIED.contains(var)) {
        return;
      }
      if (!ENV_NAME.matcher(var).matches()) {
        warnings.add("the variable '" + var + "' is not a valid profile variable name; left out");
      } else if (isSecret(var, value)) {
        secrets.put(var, value);
      } else {
        env.put(var, value);
      }
    });
    Path envFile = output == null ? null : envFileFor(output);
    if (!secrets.isEmpty() && envFile == null) {
      throw TwinException.usage("the environment holds secrets (" + String.join(", ", secrets.keySet())
          + "); use -o FILE so they go to a 0600 env file beside it");
    }
    Redactor redactor = Redactor.none().plus(process.env()).plus(alsoKnown);
    warnMasked("JVM option", command.jvmOptions(), redactor, warnings);
    warnMasked("argument", command.args(), redactor, warnings);

    List<String> classpath = command.classpath();
    if (command.jar() == null && classpath.isEmpty()) {
      // Without -cp the launcher reads $CLASSPATH, else the current directory.
      String fromEnv = process.env().get("CLASSPATH");
      classpath = fromEnv == null || fromEnv.isEmpty() ? List.of(".") : List.of(fromEnv.split(":"));
    }
    Path file = output == null ? process.cwd().resolve(profileName + ".yaml") : output.toAbsolutePath();
    Profile profile = new Profile(file, profileName, process.exe().toString(), process.cwd(), classpath,
        command.jar(), command.main(), command.args(), command.jvmOptions(), env,
        allEnvFiles(envFiles, secrets.isEmpty() ? null : envFile.getFileName()), process.user(), null, null);
    String yaml = header(origin, secrets.isEmpty() ? null : envFile.getFileName())
        + new ProfileRenderer().render(profile, redactor);
    try {
      new ProfileLoader().parse(yaml, file);
    } catch (ProfileException e) {
      throw new TwinException(ExitCodes.INTERNAL, "the captured profile does not load back: " + e.getMessage(), e);
    }
    return new CapturedProfile(profileName, yaml, secrets.isEmpty() ? null : envFile, secrets, warnings);
  }

  /** A warning for each of {@code args} the snapshot has masked, as the profile shows it. */
  private static void warnMasked(String what, List<String> args, Redactor redactor, List<String> warnings) {
    List<String> masked = redactor.redactArgs(args);
    for (int i = 0; i < args.size(); i++) {
      if (!masked.get(i).equals(args.get(i))) {
        String shown = masked.get(i).equals(Redactor.MASK) && i > 0 ? masked.get(i - 1) + " " + Redactor.MASK
            : masked.get(i);
        warnings.add("the " + what + " " + shown + " holds a secret: the profile has it masked; "
            + "put the value back by hand if the twin needs it");
      }
    }
  }

  /**
   * A live-linked profile: its name and {@code source}, nothing captured, so no secret ever lands
   * in it; each launch reads the service again. {@code command} is what the service runs now
   * (checked to be a JVM twin can launch), {@code origin} where it was found.
   *
   * @param name the profile's name, or null to derive it from the main class or jar
   * @throws TwinException exit 2 for a bad name
   */
  public static CapturedProfile linked(ProfileSource source, JavaCommandLine command, String name, String origin) {
    String profileName = name == null ? deriveName(command) : name;
    if (!NAME.matcher(profileName).matches()) {
      throw TwinException.usage("--name must match [a-z0-9][a-z0-9-]*, not '" + profileName + "'");
    }
    List<String> warnings = new ArrayList<>();
    String when = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    StringBuilder yaml = new StringBuilder()
        .append("# Live-linked profile, written by twin capture from ").append(origin).append(" at ").append(when)
        .append(".\n# Each launch reads the java, JVM options, classpath, main, environment, workdir and user\n")
        .append("# from the source again; keys added here override what it reads (see profiles/README.md).\n")
        .append("# It runs: ").append(Redactor.none().redact(command.runs())).append('\n');
    if (source.kind() == ProfileSource.Kind.PID) {
      yaml.append("# A pid changes when the service restarts: prefer pid-file: or match: here.\n");
      warnings.add("source pid: " + source.value() + " stops working when the service restarts; "
          + "prefer source: {pid-file: ...} or {match: ...}");
    }
    yaml.append("name: ").append(YamlText.quote(profileName)).append('\n')
        .append("source:\n  ").append(source.kind().key()).append(": ").append(YamlText.quote(source.value()))
        .append('\n');
    Path file = Path.of(profileName + ".yaml").toAbsolutePath();
    try {
      new ProfileLoader().parse(yaml.toString(), file);
    } catch (ProfileException e) {
      throw new TwinException(ExitCodes.INTERNAL, "the captured profile does not load back: " + e.getMessage(), e);
    }
    return new CapturedProfile(profileName, yaml.toString(), null, Map.of(), warnings);
  }

  /** A secret by its name, or a value that holds a URL or connection-string password. */
  static boolean isSecret(String name, String value) {
    // A secret inside the value counts too: a URL's password, -Dapi.key=x in JAVA_TOOL_OPTIONS, a
    // JSON member named as a secret (SPRING_APPLICATION_JSON).
    return Redactor.isSecretName(name) || !Redactor.maskUrlPasswords(value).equals(value)
        || !new Redactor(Map.of(name, value)).redact(value).equals(value);
  }

  /** The env file beside {@code output}: {@code orders.yaml} gives {@code orders.env}. */
  public static Path envFileFor(Path output) {
    String file = output.getFileName().toString();
    String stem = file.endsWith(".yaml") ? file.substring(0, file.length() - 5)
        : file.endsWith(".yml") ? file.substring(0, file.length() - 4) : file;
    return output.resolveSibling(stem + ".env");
  }

  /** The main class's simple name or the jar's file name, lower-cased, as a profile name. */
  static String deriveName(JavaCommandLine command) {
    String base;
    if (command.main() != null) {
      base = command.main().substring(command.main().lastIndexOf('.') + 1);
    } else {
      base = JavaCommandLine.basename(command.jar());
      if (base.toLowerCase(Locale.ROOT).endsWith(".jar")) {
        base = base.substring(0, base.length() - 4);
      }
    }
    String name = base.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-").replaceFirst("^-+", "");
    return name.isEmpty() ? "service" : name;
  }

  private static List<Path> allEnvFiles(List<Path> service, Path secrets) {
    List<Path> all = new ArrayList<>(service);
    if (secrets != null) {
      all.add(secrets);
    }
    return all;
  }

  private static String header(String origin, Path envFile) {
    String when = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    return "# Captured by twin capture from " + origin + " at " + when
        + ".\n"
        + (envFile == null ? "" : "# Secret variables are in " + envFile + " (mode 0600), never in this file.\n");
  }
}
