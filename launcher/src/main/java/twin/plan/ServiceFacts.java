package twin.plan;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the inspector found on disk for a profile, so that planning itself can be pure: the
 * resolved java and its version, the options with argfiles expanded, the classpath entries that
 * exist, whether the service brings its own Clojure, the service's environment, and the host's
 * helper programs (absent ones are null).
 */
public record ServiceFacts(
    Path java,
    String javaVersion,
    Path workdir,
    List<String> jvmOptions,
    List<String> classpath,
    boolean hasClojure,
    Map<String, String> env,
    List<String> warnings,
    TargetUser user,
    HostTools tools) {

  public ServiceFacts {
    jvmOptions = List.copyOf(jvmOptions);
    classpath = List.copyOf(classpath);
    env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
    warnings = List.copyOf(warnings);
  }

  /** The user the twin runs as, with the ids the user switch needs. */
  public record TargetUser(String name, long uid, long gid) {}

  /** Paths of the programs the twin's launch may be wrapped in; null when the host lacks one. */
  public record HostTools(Path setsid, Path setpriv, Path nice, Path ionice, Path systemdRun, boolean systemdRunning) {

    /** A host with none of the tools, for tests and minimal containers. */
    public static HostTools none() {
      return new HostTools(null, null, null, null, null, false);
    }
  }
}
