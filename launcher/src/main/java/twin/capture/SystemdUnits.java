package twin.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import twin.TwinException;
import twin.capture.UnitFile.Setting;
import twin.capture.UnitService.EnvironmentFileRef;

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

  /** Units are looked up in {@code searchPath}, the first directory first. */
  public SystemdUnits(List<Path> searchPath) {
    this.searchPath = List.copyOf(searchPath);
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
   * @throws TwinException (usage) if the unit is not found, masked, unreadable, malformed, or
   *     has no {@code ExecStart=}
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
    Settings settings = new Settings(name);
    for (Path source : sources) {
      UnitFile.read(source).forEach(settings::apply);
    }
    if (settings.execStart.isEmpty()) {
      throw TwinException.usage("unit " + name.full() + " has no ExecStart=");
    }
    return new UnitService(name.full(), settings.execStart, settings.environment,
        settings.environmentFiles, settings.workingDirectory, settings.user, settings.group,
        settings.slice, sources);
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

  /** The settings so far, changed by each assignment in the order systemd reads them. */
  private static final class Settings {
    private final UnitName name;
    private List<String> execStart = List.of();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final List<EnvironmentFileRef> environmentFiles = new ArrayList<>();
    private String workingDirectory;
    private String user;
    private String group;
    private String slice;

    Settings(UnitName name) {
      this.name = name;
    }

    void apply(Setting setting) {
      String value = setting.value();
      switch (setting.key()) {
        case "ExecStart" -> execStart(setting);
        case "Environment" -> environment(setting);
        case "EnvironmentFile" -> environmentFile(value);
        case "WorkingDirectory" -> workingDirectory(value);
        case "User" -> user = orNull(name.expand(value));
        case "Group" -> group = orNull(name.expand(value));
        case "Slice" -> slice = orNull(name.expand(value));
        default -> {
          // Other settings do not change what twin needs to start a twin of the JVM.
        }
      }
    }

    private void execStart(Setting setting) {
      if (setting.value().isEmpty()) {
        execStart = List.of();
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
      argv.add(name.expand(first.substring(skip)));
      // With '@' the second word is argv[0]; the executable's own path serves twin as well.
      for (int i = argv0 ? 2 : 1; i < words.size(); i++) {
        // $VAR and ${VAR} stay as written: systemd expands them from the service's environment
        // at start, and twin leaves that to whoever builds the twin's command line.
        argv.add(name.expand(words.get(i)));
      }
      // systemd allows a second ExecStart= only for Type=oneshot; the last one is the JVM then.
      execStart = argv;
    }

    private void environment(Setting setting) {
      if (setting.value().isEmpty()) {
        environment.clear();
        return;
      }
      for (String word : words(setting)) {
        String assignment = name.expand(word);
        int eq = assignment.indexOf('=');
        // Like systemd, an assignment that is not NAME=VALUE is skipped, not fatal.
        if (eq > 0 && ENV_NAME.matcher(assignment.substring(0, eq)).matches()) {
          environment.put(assignment.substring(0, eq), assignment.substring(eq + 1));
        }
      }
    }

    private void environmentFile(String value) {
      if (value.isEmpty()) {
        environmentFiles.clear();
        return;
      }
      String expanded = name.expand(value);
      boolean optional = expanded.startsWith("-");
      String path = optional ? expanded.substring(1) : expanded;
      // systemd ignores a relative path (with a warning), so the service never reads it either.
      if (path.startsWith("/")) {
        environmentFiles.add(new EnvironmentFileRef(Path.of(path), optional));
      }
    }

    private void workingDirectory(String value) {
      if (value.isEmpty()) {
        workingDirectory = null;
        return;
      }
      String dir = value.startsWith("-") ? value.substring(1) : value;
      if (dir.equals("~")) {
        workingDirectory = dir;
        return;
      }
      String expanded = name.expand(dir);
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

    private static String orNull(String value) {
      return value.isEmpty() ? null : value;
    }
  }
}
