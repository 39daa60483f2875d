package twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** What a live JVM really runs, read from /proc and from the JVM itself (jcmd), for comparisons. */
final class LiveProc {
  private LiveProc() {}

  /** The process's environment as it was at exec, from /proc/PID/environ. */
  static Map<String, String> environ(long pid) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
      Map<String, String> env = new TreeMap<>();
      for (String entry : new String(raw, StandardCharsets.UTF_8).split("\0")) {
        int eq = entry.indexOf('=');
        if (eq > 0) {
          env.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
      }
      return env;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The process's working directory, from /proc/PID/cwd. */
  static Path cwd(long pid) {
    try {
      return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The JVM's java.class.path as it started (wildcards already expanded), asked of the JVM with jcmd. */
  static List<String> initialClasspath(long pid) {
    String out = run("jcmd", Long.toString(pid), "VM.command_line");
    String prefix = "java_class_path (initial): ";
    for (String line : out.lines().toList()) {
      if (line.startsWith(prefix)) {
        return List.of(line.substring(prefix.length()).split(":"));
      }
    }
    throw new AssertionError("no '" + prefix + "' in jcmd " + pid + " VM.command_line:\n" + out);
  }

  /** Entries made absolute against {@code dir}, as the JVM resolves them. */
  static List<String> absolute(Path dir, List<String> entries) {
    return entries.stream().map(e -> dir.resolve(e).normalize().toString()).toList();
  }

  /** Each variable's value as its SHA-256: comparable without ever printing a secret. */
  static Map<String, String> hashed(Map<String, String> env) {
    Map<String, String> out = new TreeMap<>();
    env.forEach((k, v) -> out.put(k, sha256(v)));
    return out;
  }

  static String sha256(String value) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * A Clojure form the twin evaluates to print, one per line, {@code env NAME SHA256} for every
   * variable, {@code cp ENTRY} for every java.class.path entry and {@code dir USER.DIR}.
   */
  static final String REPORT_FORM = "(let [md (fn [^String s] (format \"%064x\" (BigInteger. 1 (.digest "
      + "(java.security.MessageDigest/getInstance \"SHA-256\") (.getBytes s \"UTF-8\")))))] "
      + "(doseq [[k v] (into (sorted-map) (System/getenv))] (println \"env\" k (md v))) "
      + "(doseq [e (.split (System/getProperty \"java.class.path\") \":\")] (println \"cp\" e)) "
      + "(println \"dir\" (System/getProperty \"user.dir\")) :reported)";

  /** What {@link #REPORT_FORM} printed. */
  record Report(Map<String, String> envHashes, List<String> classpath, String userDir) {
    static Report parse(String stdout) {
      Map<String, String> env = new TreeMap<>();
      List<String> cp = new ArrayList<>();
      String dir = null;
      for (String line : stdout.lines().toList()) {
        if (line.startsWith("env ")) {
          String[] f = line.split(" ");
          env.put(f[1], f[2]);
        } else if (line.startsWith("cp ")) {
          cp.add(line.substring(3));
        } else if (line.startsWith("dir ")) {
          dir = line.substring(4);
        }
      }
      assertThat(dir).as("user.dir in the twin's report:%n%s", stdout).isNotNull();
      return new Report(env, cp, dir);
    }
  }

  /** Writes a jar holding only a manifest with {@code mainClass} and a Class-Path of {@code classPath}. */
  static void launcherJar(Path jar, String mainClass, List<String> classPath) {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
    manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", classPath));
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes a jar shaped like a Spring Boot one that runs the demo: its manifest Main-Class is
   * {@code launcher}, whose main calls {@code start}'s, which calls demo.DemoService's (found on
   * the manifest's {@code classPath}). Both classes are compiled here, in the default package
   * under names the caller makes unique, so no other JVM on the host runs them.
   */
  static void demoLauncherJar(Path jar, String launcher, String start, List<String> classPath) {
    try {
      Path build = Files.createTempDirectory(jar.getParent(), "build-");
      Path launcherSource = Files.writeString(build.resolve(launcher + ".java"), "public final class " + launcher
          + " { public static void main(String[] args) throws Exception { " + start + ".main(args); } }\n");
      Path startSource = Files.writeString(build.resolve(start + ".java"), "public final class " + start
          + " { public static void main(String[] args) throws Exception { Class.forName(\"demo.DemoService\")"
          + ".getMethod(\"main\", String[].class).invoke(null, (Object) args); } }\n");
      JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
      assertThat(javac).as("a JDK compiler in the test JVM").isNotNull();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int rc = javac.run(null, err, err, "-d", build.toString(), "--release", "17", launcherSource.toString(),
          startSource.toString());
      assertThat(rc).as("javac of %s and %s: %s", launcher, start, err).isZero();
      Manifest manifest = new Manifest();
      manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
      manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, launcher);
      manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", classPath));
      try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
        for (String name : List.of(launcher, start)) {
          out.putNextEntry(new JarEntry(name + ".class"));
          out.write(Files.readAllBytes(build.resolve(name + ".class")));
          out.closeEntry();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A copy of {@code from} with one more entry, {@code name}: the same classes, different bytes. */
  static void jarWithExtraEntry(Path from, Path to, String name) {
    try (JarFile in = new JarFile(from.toFile());
        JarOutputStream out = new JarOutputStream(Files.newOutputStream(to), in.getManifest())) {
      for (JarEntry e : java.util.Collections.list(in.entries())) {
        if (e.getName().equalsIgnoreCase("META-INF/MANIFEST.MF")) {
          continue;
        }
        out.putNextEntry(new JarEntry(e.getName()));
        in.getInputStream(e).transferTo(out);
        out.closeEntry();
      }
      out.putNextEntry(new JarEntry(name));
      out.write(name.getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs a command to its end and returns its stdout; fails the test on a non-zero exit. */
  static String run(String... command) {
    Host.Ran r = Host.run(new ProcessBuilder(command).redirectErrorStream(true), Duration.ofSeconds(60));
    assertThat(r.ended()).as("%s ends", String.join(" ", command)).isTrue();
    assertThat(r.exitCode()).as("%s: %s", String.join(" ", command), r.text()).isZero();
    return r.text();
  }
}
