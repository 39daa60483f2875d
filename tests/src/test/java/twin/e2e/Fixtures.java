package twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The repository's fixtures (demo service, Clojure fixture, built jars) and temp profiles of them. */
final class Fixtures {
  /** The demo's API token, from profiles/demo.env: it must never be printed. */
  static final String DEMO_TOKEN = "demo-token-not-a-real-secret-7f3a";

  private Fixtures() {}

  /** The repository root, from the {@code twin.repo} property failsafe sets. */
  static Path repo() {
    String repo = System.getProperty("twin.repo");
    assertThat(repo).as("system property twin.repo (set by tests/pom.xml)").isNotBlank();
    return Path.of(repo).toAbsolutePath().normalize();
  }

  static Path twinScript() {
    return repo().resolve("bin/twin");
  }

  static Path twinHome() {
    return repo().resolve("launcher/target/twin");
  }

  static Path demoDir() {
    return repo().resolve("examples/demo-service");
  }

  static Path demoJar() {
    return demoDir().resolve("target/demo-service.jar");
  }

  static Path fixtureSrc() {
    return repo().resolve("tests/fixtures/clojure-service/src");
  }

  /** A YAML double-quoted scalar. */
  static String q(Object value) {
    return "\"" + value.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** Writes {@code yaml} to {@code dir/name.yaml}. */
  static Path writeProfile(Path dir, String name, String yaml) {
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve(name + ".yaml");
      Files.writeString(file, yaml);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A copy of profiles/demo.yaml with absolute paths, the service on {@code port}, its database
   * at {@code db}, and its socket-REPL option on {@code replPort}; {@code extra} is appended.
   */
  static Path demoProfile(Path dir, int port, int replPort, Path db, String extra) {
    Path jar = demoJar();
    assertThat(jar).as("the demo jar; run: mvn -q -B install -DskipTests").exists();
    String yaml = "name: demo-e2e\n"
        + "java: java\n"
        + "workdir: " + q(demoDir()) + "\n"
        + "jar: target/demo-service.jar\n"
        + "main: demo.DemoService\n"
        + "args: []\n"
        + "jvm-options:\n"
        + "  - -Xmx256m\n"
        + "  - -Dfile.encoding=UTF-8\n"
        + "  - " + q("-Dclojure.server.repl={:port " + replPort + " :accept clojure.core.server/repl}") + "\n"
        + "env:\n"
        + "  DEMO_PORT: " + q(port) + "\n"
        + "  DEMO_DB_PATH: " + q(db) + "\n"
        + "env-files:\n"
        + "  - " + q(repo().resolve("profiles/demo.env")) + "\n"
        + "twin:\n"
        + "  init:\n"
        + "    - \"(def config (demo.Config/fromEnv))\"\n"
        + "  heap: 256m\n"
        + extra;
    return writeProfile(dir, "demo-e2e", yaml);
  }

  /** A Clojure form that says whether 127.0.0.1:PORT accepts connections, as seen from the twin. */
  static final String DEF_LISTENING =
      "(defn listening? [port] (try (with-open [s (java.net.Socket.)]"
          + " (.connect s (java.net.InetSocketAddress. \"127.0.0.1\" (int port)) 1000) true)"
          + " (catch java.io.IOException _ false)))";

  /** A Clojure form counting the demo database's events rows of {@code kind}. */
  static String countEvents(String kind) {
    return "(with-open [c (demo.Database/connect (demo.Config/fromEnv))"
        + " s (.createStatement c)"
        + " rs (.executeQuery s \"select count(*) from events where kind = '" + kind + "'\")]"
        + " (.next rs) (.getLong rs 1))";
  }

  /** The indented lines under {@code header:} in a {@code --dry-run} plan, up to the next blank line. */
  static List<String> planSection(String plan, String header) {
    List<String> lines = plan.lines().toList();
    int start = lines.indexOf(header + ":");
    assertThat(start).as("section '%s:' in the plan:%n%s", header, plan).isNotNegative();
    List<String> section = new ArrayList<>();
    for (int i = start + 1; i < lines.size() && !lines.get(i).isBlank(); i++) {
      section.add(lines.get(i).strip());
    }
    return section;
  }

  /** Undoes the plan renderer's POSIX shell quoting of one word ('...' and '\''). */
  static String unquote(String word) {
    StringBuilder sb = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < word.length(); i++) {
      char c = word.charAt(i);
      if (c == '\'') {
        quoted = !quoted;
      } else if (c == '\\' && !quoted && i + 1 < word.length()) {
        sb.append(word.charAt(++i));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** The entries of the {@code -cp} argument in a plan's argv section. */
  static List<String> planClasspath(String plan) {
    List<String> argv = planSection(plan, "argv");
    int cp = argv.indexOf("-cp");
    assertThat(cp).as("-cp in argv:%n%s", plan).isNotNegative().isLessThan(argv.size() - 1);
    return List.of(unquote(argv.get(cp + 1)).split(":"));
  }

  /** Copies a tree with modes another user can read (dirs 0755, files 0644): for user-switch tests. */
  static void copyWorldReadable(Path from, Path to) throws IOException {
    try (java.util.stream.Stream<Path> paths = Files.walk(from)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
          Files.setPosixFilePermissions(target, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(p, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          Files.setPosixFilePermissions(target, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        }
      }
    }
  }
}
