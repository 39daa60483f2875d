package twin.plan;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;
import twin.Os;
import twin.TwinException;
import twin.profile.EnvFile;
import twin.profile.Profile;
import twin.profile.ProfileException;
import twin.supervisor.TwinProcess;

/**
 * Reads what planning needs from disk: the java binary and its version, argfiles, the classpath
 * (wildcards, a jar's manifest Class-Path), whether the service has its own Clojure, env files,
 * and the user. Every problem is a {@link TwinException} with one clear line.
 */
public final class ServiceInspector {
  /** The oldest service java a twin supports. */
  public static final int MIN_JAVA = 17;
  /** Variables a service started by hand would have from its login; kept when the profile omits them. */
  static final List<String> BASE_VARIABLES = List.of("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "HOME", "USER", "LOGNAME");
  private static final Pattern RELEASE_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"([^\"]+)\"");
  private static final Pattern VERSION_OUTPUT = Pattern.compile("version \"([^\"]+)\"");

  private final Map<String, String> launcherEnv;
  private final Path cwd;

  public ServiceInspector(Map<String, String> launcherEnv, Path cwd) {
    this.launcherEnv = launcherEnv;
    this.cwd = cwd;
  }

  public ServiceFacts inspect(Profile profile) {
    Path workdir = workdir(profile);
    Map<String, String> env = environment(profile);
    Path java = findJava(profile, env);
    String version = javaVersion(java);
    if (feature(version) < MIN_JAVA) {
      throw TwinException.usage("the service's java " + java + " is version " + version
          + "; twin needs java " + MIN_JAVA + " or later for the twin JVM");
    }
    List<String> warnings = new ArrayList<>();
    List<String> options = expandOptions(profile.jvmOptions(), workdir);
    List<String> classpath = classpath(profile, workdir, warnings);
    return new ServiceFacts(java, version, workdir, options, classpath, hasClojure(classpath), env, warnings,
        targetUser(profile, warnings), hostTools());
  }

  private Path workdir(Profile profile) {
    Path dir = profile.workdir() != null ? profile.workdir() : cwd;
    if (!Files.isDirectory(dir)) {
      throw TwinException.usage("workdir " + dir + " does not exist" + where(profile, "workdir"));
    }
    return dir.toAbsolutePath().normalize();
  }

  private Map<String, String> environment(Profile profile) {
    Map<String, String> env = new LinkedHashMap<>();
    // A profile read from a live source has the service's whole environment: nothing is added.
    for (String name : profile.source() == null ? BASE_VARIABLES : List.<String>of()) {
      if (launcherEnv.containsKey(name)) {
        env.put(name, launcherEnv.get(name));
      }
    }
    for (Path file : profile.envFiles()) {
      try {
        env.putAll(EnvFile.parse(file));
      } catch (ProfileException e) {
        // One "error:" is enough: the env file's place, then what is wrong with it.
        throw TwinException.usage((e.mark().isPresent() ? e.mark().get().toString() : e.file()) + ": " + e.problem()
            + where(profile, "env-files"));
      }
    }
    env.putAll(profile.env());
    return env;
  }

  private Path findJava(Profile profile, Map<String, String> env) {
    String java = profile.java() != null ? profile.java() : "java";
    if (java.contains("/")) {
      Path path = Path.of(java);
      if (Files.isExecutable(path) && !Files.isDirectory(path)) {
        return path.toAbsolutePath();
      }
      throw TwinException.usage("java not found: " + java + " is not an executable file" + where(profile, "java"));
    }
    String searchPath = env.getOrDefault("PATH", launcherEnv.getOrDefault("PATH", "/usr/bin:/bin"));
    for (String dir : searchPath.split(":")) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, java);
      if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw TwinException.usage("java not found: no '" + java + "' on PATH (" + searchPath + ")"
        + where(profile, "java") + "; set 'java:' to the service's java binary");
  }

  /** The version from the JDK's release file, or by asking the binary when there is none. */
  static String javaVersion(Path java) {
    try {
      Path home = java.toRealPath().getParent().getParent();
      Path release = home.resolve("release");
      if (Files.isRegularFile(release)) {
        Matcher m = RELEASE_VERSION.matcher(Files.readString(release));
        if (m.find()) {
          return m.group(1);
        }
      }
    } catch (IOException | NullPointerException e) {
      // fall through to asking the binary
    }
    String output = TwinProcess.javaVersionOutput(java);
    Matcher m = VERSION_OUTPUT.matcher(output);
    if (!m.find()) {
      throw TwinException.usage("cannot tell the version of " + java + " (is it a java binary?)");
    }
    return m.group(1);
  }

  static int feature(String version) {
    String v = version.startsWith("1.") ? version.substring(2) : version;
    Matcher m = Pattern.compile("^(\\d+)").matcher(v);
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  /** Expands @argfiles and -XX:VMOptionsFile, as java itself would, before any rule looks. */
  static List<String> expandOptions(List<String> options, Path workdir) {
    List<String> expanded = new ArrayList<>();
    for (String option : options) {
      if (option.startsWith("@") && option.length() > 1) {
        expanded.addAll(ArgFiles.tokenize(readOptionFile(workdir.resolve(option.substring(1)), option)));
      } else if (option.startsWith("-XX:VMOptionsFile=")) {
        String file = option.substring("-XX:VMOptionsFile=".length());
        expanded.addAll(ArgFiles.tokenize(readOptionFile(workdir.resolve(file), option)));
      } else {
        expanded.add(option);
      }
    }
    return expanded;
  }

  private static String readOptionFile(Path file, String option) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw TwinException.usage("cannot read " + file + " (from the option " + option + "): " + Os.reason(e));
    }
  }

  private List<String> classpath(Profile profile, Path workdir, List<String> warnings) {
    List<String> entries = new ArrayList<>();
    if (profile.jar() != null) {
      Path jar = workdir.resolve(profile.jar()).normalize();
      if (!Files.isRegularFile(jar)) {
        throw TwinException.usage("the service jar " + jar + " does not exist" + where(profile, "jar"));
      }
      entries.add(jar.toString());
      for (String entry : manifestClassPath(jar)) {
        addIfPresent(entry, entries, warnings, " (from the Class-Path of " + jar.getFileName() + ")");
      }
    } else {
      for (int i = 0; i < profile.classpath().size(); i++) {
        String raw = profile.classpath().get(i);
        String entry = raw.endsWith("/*") || raw.equals("*")
            ? workdir.resolve(raw.substring(0, raw.length() - 1)).normalize() + "/*"
            : workdir.resolve(raw).normalize().toString();
        addIfPresent(entry, entries, warnings, where(profile, "classpath[" + i + "]"));
      }
    }
    if (entries.isEmpty()) {
      throw TwinException.usage("no entry of the classpath of profile '" + profile.name() + "' exists"
          + where(profile, "classpath"));
    }
    return entries;
  }

  private static void addIfPresent(String entry, List<String> entries, List<String> warnings, String where) {
    boolean present = entry.endsWith("/*")
        ? Files.isDirectory(Path.of(entry.substring(0, entry.length() - 2)))
        : Files.exists(Path.of(entry));
    if (present) {
      entries.add(entry);
    } else {
      warnings.add("classpath entry " + entry + " does not exist; skipped" + where);
    }
  }

  /** The jar's manifest Class-Path, resolved against the jar's directory as java does. */
  static List<String> manifestClassPath(Path jar) {
    try (JarFile file = new JarFile(jar.toFile())) {
      Manifest manifest = file.getManifest();
      String value = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
      List<String> entries = new ArrayList<>();
      if (value == null) {
        return entries;
      }
      for (String url : value.trim().split("\\s+")) {
        if (url.isEmpty() || url.contains("://") && !url.startsWith("file:")) {
          continue;
        }
        // Class-Path holds URLs: decode %XX only; a '+' is a plus sign, not a space.
        String raw = url.startsWith("file:") ? url.substring(5) : url;
        String path = URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        entries.add(jar.getParent().resolve(path).normalize().toString());
      }
      return entries;
    } catch (IOException e) {
      throw TwinException.usage("cannot read the service jar " + jar + ": " + Os.reason(e));
    }
  }

  /** True when clojure.core is on the classpath: then the twin uses the service's Clojure. */
  static boolean hasClojure(List<String> classpath) {
    for (String entry : classpath) {
      if (entry.endsWith("/*")) {
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(Path.of(entry.substring(0, entry.length() - 2)), "*.{jar,JAR}")) {
          for (Path jar : jars) {
            if (jarHasClojure(jar)) {
              return true;
            }
          }
        } catch (IOException e) {
          // unreadable directory: it cannot contribute Clojure either
        }
      } else {
        Path path = Path.of(entry);
        if (Files.isDirectory(path)) {
          if (Files.exists(path.resolve("clojure/core__init.class")) || Files.exists(path.resolve("clojure/core.clj"))) {
            return true;
          }
        } else if (jarHasClojure(path)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean jarHasClojure(Path jar) {
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      return zip.getEntry("clojure/core__init.class") != null || zip.getEntry("clojure/core.clj") != null;
    } catch (IOException e) {
      return false;
    }
  }

  private ServiceFacts.TargetUser targetUser(Profile profile, List<String> warnings) {
    String name = profile.user() != null ? profile.user() : Os.userName();
    long currentUid = Os.uid();
    if (profile.user() == null) {
      if (currentUid == 0) {
        warnings.add("profile '" + profile.name() + "' names no user, so the twin runs as root; "
            + "add 'user: SERVICE_USER' to run it as the service's user");
      }
      return new ServiceFacts.TargetUser(name, currentUid, passwdEntry(name).map(p -> p[1]).orElse(-1L));
    }
    long[] ids = passwdEntry(name).orElseThrow(() -> TwinException.usage("no such user '" + name + "'"
        + where(profile, "user")));
    return new ServiceFacts.TargetUser(name, ids[0], ids[1]);
  }

  /** uid and gid of a user, from /etc/passwd (names only; NSS users need a numeric id). */
  private static Optional<long[]> passwdEntry(String name) {
    try {
      if (name.matches("\\d+")) {
        long uid = Long.parseLong(name);
        return Optional.of(new long[] {uid, uid});
      }
      for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
        String[] f = line.split(":");
        if (f.length > 3 && f[0].equals(name)) {
          return Optional.of(new long[] {Long.parseLong(f[2]), Long.parseLong(f[3])});
        }
      }
    } catch (IOException | NumberFormatException e) {
      // treated as unknown
    }
    return Optional.empty();
  }

  private ServiceFacts.HostTools hostTools() {
    // sd_booted(3): systemd is the init system exactly when this directory exists.
    return new ServiceFacts.HostTools(tool("setsid"), tool("setpriv"), tool("nice"), tool("ionice"),
        tool("systemd-run"), Files.isDirectory(Path.of("/run/systemd/system")));
  }

  private static Path tool(String name) {
    return twin.Os.systemTool(name);
  }

  private static String where(Profile profile, String key) {
    return profile.mark(key).map(m -> " (" + m + ")").orElse("");
  }

}
