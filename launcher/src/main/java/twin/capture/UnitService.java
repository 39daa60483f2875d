package twin.capture;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a systemd service unit says about starting its process, after drop-ins and specifiers.
 *
 * @param unitName the full unit name, e.g. {@code worker@blue.service}
 * @param execStart the command line: the executable first (an {@code @} argv[0] override is
 *     dropped), {@code $VAR} and {@code ${VAR}} replaced as systemd replaces them at start
 * @param environment {@code Environment=} assignments in the order first assigned; a later value
 *     of a name wins
 * @param environmentFiles {@code EnvironmentFile=} entries in order
 * @param workingDirectory an absolute path, {@code ~} for the home of {@link #user}, or null when
 *     unset; a {@code -} (missing directory tolerated) is dropped
 * @param user {@code User=}, or null when unset (systemd then runs the service as root)
 * @param group {@code Group=}, or null when unset
 * @param slice {@code Slice=}, or null when unset
 * @param sources the files read, in the order applied: the unit file, then its drop-ins
 * @param execEnvironment the variables {@code execStart} was expanded with (empty when it refers
 *     to none); it may hold secrets: a redactor's input, never shown
 * @param warnings what the reading found wrong but systemd accepts (an undefined variable), one line each
 */
public record UnitService(
    String unitName,
    List<String> execStart,
    Map<String, String> environment,
    List<EnvironmentFileRef> environmentFiles,
    String workingDirectory,
    String user,
    String group,
    String slice,
    List<Path> sources,
    Map<String, String> execEnvironment,
    List<String> warnings) {

  /** Names only: the environment and the command line may hold secret values (a log line must not). */
  @Override
  public String toString() {
    return "UnitService[" + unitName + ", from " + sources + ", variables " + environment.keySet() + ", "
        + execEnvironment.keySet() + "]";
  }

  public UnitService {
    Objects.requireNonNull(unitName, "unitName");
    execStart = List.copyOf(execStart);
    // Order matters to whoever shows it, so no Map.copyOf.
    environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
    environmentFiles = List.copyOf(environmentFiles);
    sources = List.copyOf(sources);
    execEnvironment = Collections.unmodifiableMap(new LinkedHashMap<>(execEnvironment));
    warnings = List.copyOf(warnings);
  }

  /** One {@code EnvironmentFile=}; {@code optional} is systemd's {@code -}: skip if missing. */
  public record EnvironmentFileRef(Path path, boolean optional) {
    public EnvironmentFileRef {
      Objects.requireNonNull(path, "path");
    }
  }
}
