package twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .deb that {@code mvn package} builds ({@code launcher/target/twin_VERSION_all.deb}) holds
 * what the issue lists, and twin runs from its extracted files as it would from /usr.
 */
class PackageIT {
  @TempDir
  static Path tmp;

  static Path deb;
  static Path extracted;

  @BeforeAll
  static void extract() throws IOException {
    assertThat(Path.of("/usr/bin/dpkg-deb"))
        .as("dpkg-deb (package dpkg) is needed for this test").isExecutable();
    try (Stream<Path> files = Files.list(Fixtures.repo().resolve("launcher/target"))) {
      List<Path> debs = files.filter(f -> f.getFileName().toString().matches("twin_.*_all\\.deb")).toList();
      assertThat(debs).as("launcher/target/twin_*_all.deb; build first: mvn -q -B install -DskipTests")
          .hasSize(1);
      deb = debs.get(0);
    }
    extracted = tmp.resolve("extracted");
    TwinCli.Result x = run(tmp, Map.of(), "dpkg-deb", "-x", deb.toString(), extracted.toString());
    assertThat(x.exitCode()).as(x.describe()).isZero();
  }

  @Test
  void theDebListsTheWrapperJarsUnitCompletionManPageAndProfilesDir() {
    TwinCli.Result list = run(tmp, Map.of(), "dpkg-deb", "-c", deb.toString());

    assertThat(list.exitCode()).as(list.describe()).isZero();
    List<String> paths = list.stdoutLines().stream().map(l -> l.substring(l.indexOf("./") + 1)).toList();
    assertThat(paths).contains(
        "/usr/bin/twin",
        "/usr/share/twin/twin.jar",
        "/usr/share/twin/twin-runtime.jar",
        "/lib/systemd/system/twin@.service",
        "/etc/twin/profiles/",
        "/usr/share/bash-completion/completions/twin",
        "/usr/share/zsh/vendor-completions/_twin",
        "/usr/share/man/man1/twin.1");
    assertThat(paths).anyMatch(p -> p.matches("/usr/share/twin/clojure/clojure-.*\\.jar"));
    assertThat(list.stdoutLines()).anyMatch(l -> l.startsWith("-rwxr-xr-x") && l.endsWith("./usr/bin/twin"));
  }

  @Test
  void theControlFileAndConffiles() {
    TwinCli.Result control = run(tmp, Map.of(), "dpkg-deb", "-f", deb.toString(), "Package", "Architecture", "Depends");
    assertThat(control.stdout()).contains("Package: twin", "Architecture: all", "default-jre-headless");
    TwinCli.Result conffiles = run(tmp, Map.of(), "dpkg-deb", "-I", deb.toString(), "conffiles");
    assertThat(conffiles.exitCode()).as(conffiles.describe()).isZero();
    assertThat(conffiles.stdoutLines()).containsExactly("/etc/twin/profiles/README");
  }

  @Test
  void theExtractedTwinFindsItsJarsBesideIt() {
    TwinCli.Result version = twin(tmp, "--version");

    assertThat(version.exitCode()).as(version.describe()).isZero();
    assertThat(version.stdout()).startsWith("twin ");
  }

  @Test
  void theExtractedTwinPlansALaunchOfTheDemo() {
    TwinCli.Result plan = twin(tmp, "launch", Fixtures.repo().resolve("profiles/demo.yaml").toString(), "--dry-run");

    assertThat(plan.exitCode()).as(plan.describe()).isZero();
    assertThat(plan.stdout()).contains("nothing was started", "demo");
  }

  @Test
  void theCompletionScriptLoadsInBash() {
    Path twin = extracted.resolve("usr/bin/twin");
    Path shipped = extracted.resolve("usr/share/bash-completion/completions/twin");

    TwinCli.Result printed = run(tmp, javaEnv(), "bash", "-c", "source <(" + twin + " completion bash); complete -p twin");
    TwinCli.Result file = run(tmp, Map.of(), "bash", "-c", "source " + shipped + "; complete -p twin");

    assertThat(printed.exitCode()).as(printed.describe()).isZero();
    assertThat(printed.stdout()).contains("_complete_twin twin");
    assertThat(file.exitCode()).as(file.describe()).isZero();
    assertThat(file.stdout()).contains("_complete_twin twin");
  }

  /** The extracted usr/bin/twin with JAVA_HOME and TWIN_HOME unset and java on PATH. */
  private static TwinCli.Result twin(Path dir, String... args) {
    String[] command = Stream.concat(Stream.of(extracted.resolve("usr/bin/twin").toString()), Stream.of(args))
        .toArray(String[]::new);
    return run(dir, javaEnv(), command);
  }

  private static Map<String, String> javaEnv() {
    Map<String, String> env = new LinkedHashMap<>();
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    String javaHome = System.getenv("JAVA_HOME");
    // JAVA_HOME itself is dropped: the wrapper must find java on PATH.
    env.put("PATH", javaHome == null ? path : javaHome + "/bin:" + path);
    env.put("HOME", tmp.resolve("home").toString());
    env.put("TWIN_RUNTIME_DIR", tmp.resolve("runtime").toString());
    env.put("TWIN_STATE_DIR", tmp.resolve("state").toString());
    env.put("TWIN_CACHE_DIR", tmp.resolve("cache").toString());
    return env;
  }

  private static TwinCli.Result run(Path dir, Map<String, String> env, String... command) {
    ProcessBuilder builder = new ProcessBuilder(List.of(command)).directory(dir.toFile());
    builder.environment().clear();
    builder.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    builder.environment().putAll(env);
    return Spawned.start(builder, null).await(Duration.ofSeconds(60));
  }
}
