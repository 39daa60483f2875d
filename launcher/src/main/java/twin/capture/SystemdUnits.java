package twin.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import twin.TwinException;
import twin.capture.UnitFile.Setting;
import twin.capture.UnitService.EnvironmentFileRef;
import twin.profile.EnvFile;
import twin.profile.ProfileException;

/**
 * Reads service units from unit files as systemd would, without asking a running systemd: the
 * unit file, its template, its drop-ins, and the specifiers in the settings that start the JVM.
 */
public final class SystemdUnits {

  /** The search path when {@code $TWIN_UNIT_PATH} is unset: systemd's system unit directories. */
  public static final List<Path> DEFAULT_PATH = List.of(Path.of("/etc/systemd/system"),
      Path.of("/run/systemd/system"), Path.of("/lib/systemd/system"),
      Path.of("/usr/lib/systemd/system"));

  // The characters systemd accepts in front of an ExecStart= executable (all modes ignored here).
  private static final String EXEC_PREFIXES = "-@+!:|";
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final List<Path> searchPath;
  private final UnitSpecifiers.Host host;

  /** Units are looked up in {@code searchPath}, the first directory first. */
  public SystemdUnits(List<Path> searchPath) {
    this(searchPath, UnitSpecifiers.Host.real());
  }

  /** As above; users' homes and ids come from {@code host}'s passwd file, %H from its host name. */
  SystemdUnits(List<Path> searchPath, UnitSpecifiers.Host host) {
    this.searchPath = List.copyOf(searchPath);
    this.host = host;
  }

  /** {@code $TWIN_UNIT_PATH} (colon-separated) if set and not empty, else {@link #DEFAULT_PATH}. */
  public static SystemdUnits standard(Map<String, String> env) {
    String path = env.getOrDefault("TWIN_UNIT_PATH", "");
    if (path.isEmpty()) {
      return new SystemdUnits(DEFAULT_PATH);
    }
    return new SystemdUnits(Stream.of(path.split(":"))
        .filter(dir -> !dir.isEmpty())
        .map(Path::of)
        .toList());
  }

  public List<Path> searchPath() {
    return searchPath;
  }

  /**
   * The service {@code unitName} ({@code .service} is added when it has no unit type), read from
   * the first unit file found, or for an instance {@code name@inst} from its template, then from
   * the drop-ins of every search-path directory in file-name order.
   *
   * @throws TwinException (usage) if the unit is not found, masked, unreadable, malformed, has no
   *     or several {@code ExecStart=}, or a specifier twin cannot expand; (not permitted) if an
   *     {@code EnvironmentFile=} its {@code ExecStart=} variables need is not readable
   */
  public UnitService load(String unitName) {
    UnitName name = UnitName.parse(unitName);
    Path file = find(name.full());
    if (file == null && name.instance() != null) {
      file = find(name.template());
    }
    if (file == null) {
      throw TwinException.usage("unit " + name.full() + " not found (searched: "
          + searchPath.stream().map(Path::toString).collect(Collectors.joining(", ")) + ")");
    }
    if (isEmpty(file)) {
      // systemd treats an empty unit file, or a link to /dev/null, as masked.
      throw TwinException.usage("unit " + name.full() + " is masked (" + file + ")");
    }
    List<Path> sources = new ArrayList<>();
    sources.add(file);
    sources.addAll(dropIns(name));
    List<Setting> all = new ArrayList<>();
    for (Path source : sources) {
      all.addAll(UnitFile.read(source));
    }
    // %u, %U and %h mean the unit's final User=, wherever it is set: find it before anything else.
    UnitSpecifiers beforeUser = new UnitSpecifiers(name, null, host);
    String user = null;
    for (Setting setting : all) {
      if (setting.key().equals("User")) {
        user = Settings.orNull(beforeUser.expand(setting.value(), setting));
      }
    }
    Settings settings = new Settings(new UnitSpecifiers(name, user, host));
    all.forEach(settings::apply);
    if (settings.execStarts.isEmpty()) {
      throw TwinException.usage("unit " + name.full() + " has no ExecStart=");
    }
    if (settings.execStarts.size() > 1) {
      // Only Type=oneshot may have several, and then which one is the JVM is not for twin to guess.
      throw TwinException.usage("unit " + name.full() + " has " + settings.execStarts.size() + " ExecStart= lines ("
          + settings.execStarts.stream().map(e -> e.setting().where()).collect(Collectors.joining(", "))
          + "); twin needs the one command that starts the JVM: capture the running JVM with --pid PID "
          + "(or --match TEXT)");
    }
    ExecStart exec = settings.execStarts.get(0);
    List<String> argv = exec.argv();
    Map<String, String> used = Map.of();
    List<String> warnings = new ArrayList<>();
    if (ExecVariables.refersToVariables(argv)) {
      Map<String, String> env = execEnvironment(name, user, settings, exec.setting());
      Set<String> undefined = new LinkedHashSet<>();
      argv = ExecVariables.expand(argv, env, undefined);
      used = env;
      for (String var : undefined) {
        warnings.add(exec.setting().where() + ": ExecStart= refers to $" + var + ", which neither Environment= nor "
            + "EnvironmentFile= of " + name.full() + " defines; it is empty, as systemd would make it");
      }
    }
    return new UnitService(name.full(), argv, settings.environment,
        settings.environmentFiles, settings.workingDirectory, user, settings.group,
        settings.slice, sources, used, warnings);
  }

  /**
   * The variables systemd would expand {@code ExecStart=} with: {@code $USER}, {@code $LOGNAME},
   * {@code $HOME} and {@code $SHELL} when {@code User=} is set, then {@code Environment=}, then the
   * {@code EnvironmentFile=} files in order (a missing optional one is skipped).
   */
  private Map<String, String> execEnvironment(UnitName name, String user, Settings settings, Setting exec) {
    Map<String, String> env = new LinkedHashMap<>();
    if (user != null) {
      host.entry(user).ifPresent(f -> {
        env.put("USER", f[0]);
        env.put("LOGNAME", f[0]);
        env.put("HOME", f[5]);
        env.put("SHELL", f[6]);
      });
    }
    env.putAll(settings.environment);
    for (EnvironmentFileRef ref : settings.environmentFiles) {
      if (ref.optional() && !Files.exists(ref.path())) {
        continue;
      }
      String why = exec.where() + ": the variables in ExecStart= of " + name.full() + " need " + ref.path()
          + " (EnvironmentFile=)";
      if (!Files.exists(ref.path())) {
        throw TwinException.usage(why + ", which does not exist (systemd would not start the service)");
      }
      if (!Files.isReadable(ref.path())) {
        throw TwinException.notPermitted(why + ", which this user cannot read: run as root");
      }
      try {
        env.putAll(EnvFile.parse(ref.path()));
      } catch (ProfileException e) {
        throw TwinException.usage(e.getMessage());
      }
    }
    return env;
  }

  /** Fails unless {@code unit} starts java itself: twin cannot see through a wrapper script. */
  public static void requireJava(UnitService unit) {
    if (unit.execStart().isEmpty()) {
      throw TwinException.usage("unit " + unit.unitName() + " has no ExecStart=");
    }
    String exe = unit.execStart().get(0);
    if (!exe.substring(exe.lastIndexOf('/') + 1).equals("java")) {
      throw TwinException.usage("the ExecStart of " + unit.unitName() + " runs " + exe
          + ", not java; start the service and capture its JVM with twin capture --pid PID"
          + " (or --match TEXT)");
    }
  }

  private Path find(String fileName) {
    for (Path dir : searchPath) {
      Path file = dir.resolve(fileName);
      if (Files.exists(file) && !Files.isDirectory(file)) {
        return file;
      }
    }
    return null;
  }

  private static boolean isEmpty(Path file) {
    try {
      return Files.size(file) == 0;
    } catch (IOException e) {
      return false; // reading it reports the problem
    }
  }

  /**
   * The drop-ins in the order systemd applies them: all {@code .d/*.conf} of the unit (and of its
   * template) from every search-path directory, sorted by file name; of two with the same name,
   * the one in the earlier directory wins, which is how /etc overrides a package's drop-in.
   */
  private List<Path> dropIns(UnitName name) {
    List<String> units = name.instance() == null
        ? List.of(name.full())
        : List.of(name.full(), name.template());
    Map<String, Path> byName = new TreeMap<>();
    for (Path dir : searchPath) {
      for (String unit : units) {
        Path dropInDir = dir.resolve(unit + ".d");
        if (!Files.isDirectory(dropInDir)) {
          continue;
        }
        try (Stream<Path> files = Files.list(dropInDir)) {
          files.filter(f -> f.getFileName().toString().endsWith(".conf") && !Files.isDirectory(f))
              .forEach(f -> byName.putIfAbsent(f.getFileName().toString(), f));
        } catch (IOException e) {
          throw TwinException.usage("cannot list " + dropInDir + ": " + UnitFile.reason(e));
        }
      }
    }
    return List.copyOf(byName.values());
  }

  /** One {@code ExecStart=} command line, specifiers expanded, and where it was set. */
  private record ExecStart(List<String> argv, Setting setting) {}

  /** The settings so far, changed by each assignment in the order systemd reads them. */
  private static final class Settings {
    private final UnitSpecifiers specifiers;
    private final List<ExecStart> execStarts = new ArrayList<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final List<EnvironmentFileRef> environmentFiles = new ArrayList<>();
    private String workingDirectory;
    private String group;
    private String slice;

    Settings(UnitSpecifiers specifiers) {
      this.specifiers = specifiers;
    }

    void apply(Setting setting) {
      String value = setting.value();
      switch (setting.key()) {
        case "ExecStart" -> execStart(setting);
        case "Environment" -> environment(setting);
        case "EnvironmentFile" -> environmentFile(setting);
        case "WorkingDirectory" -> workingDirectory(setting);
        case "Group" -> group = orNull(specifiers.expand(value, setting));
        case "Slice" -> slice = orNull(specifiers.expand(value, setting));
        default -> {
          // Other settings do not change what twin needs to start a twin of the JVM (User= is read first).
        }
      }
    }

    private void execStart(Setting setting) {
      if (setting.value().isEmpty()) {
        // An empty ExecStart= resets the list: how a drop-in replaces the unit's command.
        execStarts.clear();
        return;
      }
      List<String> words = words(setting);
      String first = words.get(0);
      int skip = 0;
      boolean argv0 = false;
      while (skip < first.length() && EXEC_PREFIXES.indexOf(first.charAt(skip)) >= 0) {
        argv0 |= first.charAt(skip) == '@';
        skip++;
      }
      if (skip == first.length()) {
        throw TwinException.usage(setting.where() + ": ExecStart= has no command");
      }
      List<String> argv = new ArrayList<>();
      argv.add(specifiers.expand(first.substring(skip), setting));
      // With '@' the second word is argv[0]; the executable's own path serves twin as well.
      for (int i = argv0 ? 2 : 1; i < words.size(); i++) {
        // $VAR and ${VAR} are replaced once the unit's whole environment is known.
        argv.add(specifiers.expand(words.get(i), setting));
      }
      execStarts.add(new ExecStart(argv, setting));
    }

    private void environment(Setting setting) {
      if (setting.value().isEmpty()) {
        environment.clear();
        return;
      }
      for (String word : words(setting)) {
        String assignment = specifiers.expand(word, setting);
        int eq = assignment.indexOf('=');
        // Like systemd, an assignment that is not NAME=VALUE is skipped, not fatal.
        if (eq > 0 && ENV_NAME.matcher(assignment.substring(0, eq)).matches()) {
          environment.put(assignment.substring(0, eq), assignment.substring(eq + 1));
        }
      }
    }

    private void environmentFile(Setting setting) {
      if (setting.value().isEmpty()) {
        environmentFiles.clear();
        return;
      }
      String expanded = specifiers.expand(setting.value(), setting);
      boolean optional = expanded.startsWith("-");
      String path = optional ? expanded.substring(1) : expanded;
      // systemd ignores a relative path (with a warning), so the service never reads it either.
      if (path.startsWith("/")) {
        environmentFiles.add(new EnvironmentFileRef(Path.of(path), optional));
      }
    }

    private void workingDirectory(Setting setting) {
      String value = setting.value();
      if (value.isEmpty()) {
        workingDirectory = null;
        return;
      }
      String dir = value.startsWith("-") ? value.substring(1) : value;
      if (dir.equals("~")) {
        workingDirectory = dir;
        return;
      }
      String expanded = specifiers.expand(dir, setting);
      // As with EnvironmentFile=, systemd keeps the previous value when this one is not absolute.
      if (expanded.startsWith("/")) {
        workingDirectory = expanded;
      }
    }

    private static List<String> words(Setting setting) {
      try {
        return UnitWords.split(setting.value());
      } catch (IllegalArgumentException e) {
        // The value is not quoted: an Environment= line may hold a secret.
        throw TwinException.usage(
            setting.where() + ": unterminated quote in " + setting.key() + "=");
      }
    }

    static String orNull(String value) {
      return value.isEmpty() ? null : value;
    }
  }
}
