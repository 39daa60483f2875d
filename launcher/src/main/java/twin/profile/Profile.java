package twin.profile;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A validated service profile. Strings are as written in the file; paths that the profile
 * resolves itself (workdir, env-files) are absolute.
 *
 * @param file the profile file, absolute
 * @param name the profile's name, matching {@code [a-z0-9][a-z0-9-]*}
 * @param java the service's java, a path or a command name; null means {@code java} from PATH
 * @param workdir the service's working directory, absolute; null when the profile has none
 * @param classpath classpath entries as written (may be relative or end in {@code /*}); empty
 *     when the service runs a jar
 * @param jar the service's {@code -jar} as written, or null when it runs a classpath
 * @param main the service's main class, for information only: the twin never runs it; or null
 * @param args the service's arguments, for information only
 * @param jvmOptions the service's JVM options, in order
 * @param env variables the profile sets, insertion-ordered
 * @param envFiles systemd-style {@code KEY=VALUE} files, absolute, in order (later wins)
 * @param user the user the service runs as, or null
 * @param twin the twin's own settings
 * @param marks where each value came from, keyed like {@code jvm-options[2]}, {@code env.FOO},
 *     {@code twin.heap}; each mark points at the value
 * @param source the live launch the profile is read from ({@code source:}), or null when the
 *     profile is self-contained
 * @param databases the named databases of {@code databases:} and {@code datasource:}, in order
 */
public record Profile(
    Path file,
    String name,
    String java,
    Path workdir,
    List<String> classpath,
    String jar,
    String main,
    List<String> args,
    List<String> jvmOptions,
    Map<String, String> env,
    List<Path> envFiles,
    String user,
    TwinSettings twin,
    Map<String, SourceMark> marks,
    ProfileSource source,
    Map<String, Database> databases) {

  /** Copies the collections; null collections become empty and a null twin becomes empty. */
  public Profile {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(name, "name");
    classpath = classpath == null ? List.of() : List.copyOf(classpath);
    args = args == null ? List.of() : List.copyOf(args);
    jvmOptions = jvmOptions == null ? List.of() : List.copyOf(jvmOptions);
    env = env == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(env));
    envFiles = envFiles == null ? List.of() : List.copyOf(envFiles);
    twin = twin == null ? TwinSettings.empty() : twin;
    marks = marks == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(marks));
    databases = databases == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(databases));
  }

  /** A self-contained profile (no {@code source:}) without databases. */
  public Profile(Path file, String name, String java, Path workdir, List<String> classpath, String jar,
      String main, List<String> args, List<String> jvmOptions, Map<String, String> env, List<Path> envFiles,
      String user, TwinSettings twin, Map<String, SourceMark> marks) {
    this(file, name, java, workdir, classpath, jar, main, args, jvmOptions, env, envFiles, user, twin, marks, null, null);
  }

  /** Where the value of {@code key} (e.g. {@code classpath[0]}, {@code env.FOO}) was written. */
  public Optional<SourceMark> mark(String key) {
    return Optional.ofNullable(marks.get(key));
  }

  /** The directory the profile's relative paths are resolved against. */
  public Path directory() {
    Path parent = file.getParent();
    return parent == null ? file.toAbsolutePath().getRoot() : parent;
  }
}
