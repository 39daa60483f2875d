package twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/twin} finds its jars and a java however it is reached: by a relative path, through a
 * symlink to it, through a symlinked directory, and says what is missing when it cannot.
 */
class WrapperIT {
  @TempDir
  Path temp;

  private TwinCli twin;
  private final String home = Fixtures.twinHome().toAbsolutePath().normalize().toString();

  @BeforeEach
  void setUp() {
    twin = new TwinCli(temp);
  }

  @AfterEach
  void tearDown() {
    twin.close();
  }

  private TwinCli.Result run(Path dir, Map<String, String> env, String... command) {
    try (Spawned process = twin.spawn(dir, env, command)) {
      return process.await(Duration.ofSeconds(60));
    }
  }

  /** doctor's line naming the jars' directory the wrapper found. */
  private static String installLine(TwinCli.Result r) {
    return r.stdoutLines().stream().filter(l -> l.contains(" install ")).findFirst().orElse(r.describe());
  }

  @Test
  void aRelativePathWithDotsFindsTheJarsByTheirCanonicalDirectory() throws IOException {
    Path elsewhere = Files.createDirectories(temp.resolve("elsewhere"));
    String relative = elsewhere.relativize(Fixtures.repo().toAbsolutePath()) + "/./bin/../bin/twin";

    TwinCli.Result r = run(elsewhere, Map.of(), relative, "doctor");

    assertThat(installLine(r)).as(r.describe()).contains(" install " + home + " (");
  }

  @Test
  void aSymlinkToTheWrapperFindsTheJarsBesideTheScriptItLinksTo() throws IOException {
    Path bin = Files.createDirectories(temp.resolve("bin"));
    Files.createSymbolicLink(bin.resolve("twin"), Fixtures.twinScript().toAbsolutePath());
    // and a relative symlink to that symlink
    Files.createSymbolicLink(bin.resolve("tw"), Path.of("twin"));

    TwinCli.Result version = run(temp, Map.of(), bin.resolve("tw").toString(), "--version");
    TwinCli.Result doctor = run(temp, Map.of(), "bin/twin", "doctor");

    assertThat(version.exitCode()).as(version.describe()).isZero();
    assertThat(version.stdoutLines().get(0)).startsWith("twin ");
    assertThat(installLine(doctor)).as(doctor.describe()).contains(" install " + home + " (");
  }

  @Test
  void aSymlinkedDirectoryBeforeADotDotIsResolvedAsTheKernelDoes() throws IOException {
    // temp/linked -> REPO/bin: temp/linked/.. is REPO, not temp.
    Path linked = Files.createSymbolicLink(temp.resolve("linked"), Fixtures.twinScript().toAbsolutePath().getParent());

    TwinCli.Result r = run(temp, Map.of(), linked.resolve("twin").toString(), "doctor");

    assertThat(installLine(r)).as(r.describe()).contains(" install " + home + " (");
  }

  @Test
  void javaIsTheFirstOnThePathWhenNeitherTwinJavaNorJavaHomeIsSet() throws IOException {
    Path empty = Files.createDirectories(temp.resolve("empty"));
    Path jdk = Files.createDirectories(temp.resolve("jdk/bin"));
    Path realJava = Path.of(System.getProperty("java.home"), "bin", "java");
    Files.createSymbolicLink(jdk.resolve("java"), realJava);
    Path notExecutable = Files.createDirectories(temp.resolve("noexec"));
    Files.writeString(notExecutable.resolve("java"), "not a program\n");

    TwinCli.Result found = run(temp, Map.of("JAVA_HOME", "", "PATH", empty + ":" + notExecutable + ":" + jdk + ":/usr/bin:/bin"),
        Fixtures.twinScript().toString(), "--version");
    TwinCli.Result missing = run(temp, Map.of("JAVA_HOME", "", "PATH", empty.toString()),
        "/bin/bash", Fixtures.twinScript().toString(), "--version");

    assertThat(found.exitCode()).as(found.describe()).isZero();
    assertThat(found.stdoutLines()).as(found.describe()).contains("java " + System.getProperty("java.version"));
    assertThat(missing.exitCode()).as(missing.describe()).isEqualTo(4);
    assertThat(missing.stderr()).as(missing.describe())
        .isEqualTo("twin: error: java not found: install Java 17 or later, or set JAVA_HOME or TWIN_JAVA\n");
  }

  @Test
  void aCheckoutThatIsNotBuiltSaysHowToBuildIt() throws IOException {
    Path checkout = Files.createDirectories(temp.resolve("checkout/bin"));
    Files.copy(Fixtures.twinScript(), checkout.resolve("twin"));
    Files.writeString(checkout.resolve("../pom.xml"), "<project/>\n");

    TwinCli.Result r = run(temp, Map.of(), "checkout/./bin/twin", "--version");

    assertThat(r.exitCode()).as(r.describe()).isEqualTo(4);
    assertThat(r.stderr()).as(r.describe()).isEqualTo("twin: error: twin is not built yet; run 'mvn -q package "
        + "-DskipTests' in " + temp.resolve("checkout").toRealPath() + "\n");
  }
}
