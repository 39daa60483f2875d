package twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * The hostile live service of {@link HostileServiceIT} (sources in tests/fixtures/hostile-service):
 * compiled at run time, its agent jar, the hazardous options it runs with, snapshots of the files it
 * owns, and a parser for the "rules applied" section of a {@code --dry-run} plan.
 */
final class HostileFixture {
  final Path build;
  final Path classes;
  final Path agentJar;
  final Path live;
  final Path work;
  final Path clojureDir = Fixtures.twinHome().resolve("clojure");
  final Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
  final int replPort = Host.freePort();
  final int jmxPort = Host.freePort();
  final int jdwpPort = Host.freePort();
  final int appPort = Host.freePort();

  /** Compiles the fixture under {@code temp/build} and prepares the live service's directories. */
  HostileFixture(Path temp) throws IOException {
    build = temp.resolve("build");
    classes = build.resolve("classes");
    agentJar = build.resolve("hostile-agent.jar");
    live = temp.resolve("live");
    work = temp.resolve("work");
    Files.createDirectories(classes);
    Files.createDirectories(live.resolve("dumps"));
    Files.createDirectories(live.resolve("tmp"));
    Files.createDirectories(work);
    compile();
    jarAgent();
  }

  private void compile() throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertThat(javac).as("a JDK compiler in the test JVM").isNotNull();
    Path src = Fixtures.repo().resolve("tests/fixtures/hostile-service/src/hostile");
    List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "--release", "17"));
    args.add(src.resolve("Service.java").toString());
    args.add(src.resolve("Agent.java").toString());
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc = javac.run(null, err, err, args.toArray(String[]::new));
    assertThat(rc).as("javac of the hostile fixture: %s", err).isZero();
  }

  private void jarAgent() throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(new Attributes.Name("Premain-Class"), "hostile.Agent");
    try (OutputStream out = Files.newOutputStream(agentJar); JarOutputStream jar = new JarOutputStream(out, manifest)) {
      jar.putNextEntry(new JarEntry("hostile/Agent.class"));
      jar.write(Files.readAllBytes(classes.resolve("hostile/Agent.class")));
      jar.closeEntry();
    }
  }

  /** {@code <live>/NAME} as a string. */
  String live(String name) {
    return live.resolve(name).toString();
  }

  /** Every hazardous JVM option of the live service, in the order of the live command line. */
  List<String> jvmOptions() {
    return List.of(
        "-Dclojure.server.repl={:port " + replPort + " :accept clojure.core.server/repl}",
        "-Dcom.sun.management.jmxremote.port=" + jmxPort,
        "-Dcom.sun.management.jmxremote.rmi.port=" + jmxPort,
        "-Dcom.sun.management.jmxremote.authenticate=false",
        "-Dcom.sun.management.jmxremote.ssl=false",
        "-Djava.rmi.server.hostname=127.0.0.1",
        "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:" + jdwpPort,
        "-Xlog:gc*:file=" + live("gc.log") + ":time:filecount=3,filesize=1m",
        "-XX:+HeapDumpOnOutOfMemoryError",
        "-XX:HeapDumpPath=" + live("dumps/heap.hprof"),
        "-XX:StartFlightRecording=filename=" + live("rec.jfr") + ",dumponexit=true",
        "-XX:OnOutOfMemoryError=touch " + live("oom-hook-ran"),
        "-javaagent:" + agentJar + "=" + live("agent-marker"),
        "-Dlogging.file.name=" + live("app.log"),
        "-Djava.io.tmpdir=" + live("tmp"));
  }

  String javaToolOptions() {
    return "-Dhostile.from.tool.options=yes -javaagent:" + agentJar + "=" + live("agent-marker-jto");
  }

  Map<String, String> serviceEnv() {
    return Map.of("HOSTILE_PORT", Integer.toString(appPort), "JAVA_TOOL_OPTIONS", javaToolOptions());
  }

  /** The live service's command line: the same as the profile's. */
  List<String> liveCommand() {
    List<String> command = new ArrayList<>();
    command.add(javaBin.toString());
    command.add("-cp");
    command.add(classes + ":" + clojureDir + "/*");
    command.addAll(jvmOptions());
    command.add("hostile.Service");
    return command;
  }

  /** The profile of the same launch, with {@code twinSection} (may be empty) appended. */
  Path writeProfile(Path dir, String fileName, String twinSection) {
    StringBuilder yaml = new StringBuilder()
        .append("name: hostile\n")
        .append("java: ").append(Fixtures.q(javaBin)).append('\n')
        .append("workdir: ").append(Fixtures.q(work)).append('\n')
        .append("classpath:\n")
        .append("  - ").append(Fixtures.q(classes)).append('\n')
        .append("  - ").append(Fixtures.q(clojureDir + "/*")).append('\n')
        .append("main: hostile.Service\n")
        .append("jvm-options:\n");
    jvmOptions().forEach(o -> yaml.append("  - ").append(Fixtures.q(o)).append('\n'));
    yaml.append("env:\n")
        .append("  HOSTILE_PORT: ").append(Fixtures.q(appPort)).append('\n')
        .append("  JAVA_TOOL_OPTIONS: ").append(Fixtures.q(javaToolOptions())).append('\n')
        .append(twinSection);
    return Fixtures.writeProfile(dir, fileName, yaml.toString());
  }

  List<Integer> ports() {
    return List.of(replPort, jmxPort, jdwpPort, appPort);
  }

  boolean allListening() {
    return ports().stream().allMatch(Host::listening);
  }

  // ---- files ------------------------------------------------------------------------------------

  /** One file's identity and content at a moment. */
  record FileState(Path path, long inode, long size, FileTime mtime, byte[] content) {
    static FileState of(Path path) {
      try {
        return new FileState(path, ((Number) Files.getAttribute(path, "unix:ino")).longValue(), Files.size(path),
            Files.getLastModifiedTime(path), Files.readAllBytes(path));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    String text() {
      return new String(content, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return path + " (inode " + inode + ", " + size + " bytes, mtime " + mtime + ")";
    }
  }

  /** Every path under {@code dir}, relative, sorted; empty if the directory does not exist. */
  static TreeSet<String> listing(Path dir) {
    TreeSet<String> names = new TreeSet<>();
    if (!Files.isDirectory(dir)) {
      return names;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.filter(p -> !p.equals(dir)).forEach(p -> names.add(dir.relativize(p).toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return names;
  }

  /** The names directly in {@code dir}. */
  static TreeSet<String> names(Path dir) {
    TreeSet<String> names = new TreeSet<>();
    try (Stream<Path> list = Files.list(dir)) {
      list.forEach(p -> names.add(p.getFileName().toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return names;
  }

  // ---- the plan ---------------------------------------------------------------------------------

  /** One entry of the "rules applied" section: action, option, result ({@code ->}), origin, rule, reason. */
  record PlanDecision(String action, String option, String result, String origin, String rule, String reason) {}

  /** Parses the "rules applied:" section that {@code --dry-run} prints. */
  static List<PlanDecision> decisions(String plan) {
    List<String> lines = Fixtures.planSection(plan, "rules applied");
    List<PlanDecision> decisions = new ArrayList<>();
    String action = null;
    String option = null;
    String origin = null;
    String result = null;
    for (String line : lines) {
      if (line.startsWith("[")) {
        int close = line.indexOf(']');
        assertThat(action).as("a decision line before '%s' in:%n%s", line, plan).isNotNull();
        decisions.add(new PlanDecision(action, option, result, origin, line.substring(1, close),
            line.substring(close + 1).strip()));
        action = null;
        option = null;
        origin = null;
        result = null;
      } else if (line.startsWith("-> ")) {
        result = line.substring(3);
        String[] split = splitOrigin(result);
        result = split[0];
        origin = split[1] != null ? split[1] : origin;
      } else {
        int space = line.indexOf(' ');
        action = line.substring(0, space);
        String[] split = splitOrigin(line.substring(space).strip());
        option = split[0];
        origin = split[1] != null ? split[1] : "jvm-options";
      }
    }
    return decisions;
  }

  /** {@code [text, origin]} for a line ending in {@code "   (from ORIGIN)"}, else {@code [line, null]}. */
  private static String[] splitOrigin(String line) {
    int from = line.lastIndexOf("   (from ");
    if (from >= 0 && line.endsWith(")")) {
      return new String[] {line.substring(0, from), line.substring(from + "   (from ".length(), line.length() - 1)};
    }
    return new String[] {line, null};
  }

  /** The value after {@code private:} in a plan. */
  static String privateDir(String plan) {
    return plan.lines().filter(l -> l.startsWith("private:")).findFirst()
        .map(l -> l.substring("private:".length()).strip().split(" \\(")[0])
        .orElseThrow(() -> new AssertionError("no 'private:' line in the plan:\n" + plan));
  }
}
