package twin.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import twin.cli.Cli;

class SystemdCommandTest {
  /** The demo profile of the repository (tests run in launcher/). */
  static final String DEMO_PROFILE = "../profiles/demo.yaml";

  @TempDir
  Path tmp;

  Path units;

  @BeforeEach
  void units() throws Exception {
    units = Files.createDirectories(tmp.resolve("units"));
    Files.copy(DropInTest.DEMO_UNIT, units.resolve("demo.service"));
  }

  private record Run(int code, String out, String err) {}

  private static Run twin(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Cli.create(new PrintWriter(out), new PrintWriter(err)).execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void unitPrintsTheDropInOfTheProfilesService() {
    Run run = twin("systemd", "unit", DEMO_PROFILE, "--unit-path", units.toString());

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("[Service]\n", "User=demo\n", "EnvironmentFile=/etc/demo/demo.env\n",
        "WorkingDirectory=/opt/demo-service\n");
    assertThat(run.err()).doesNotContain("error");
  }

  @Test
  void installWritesTheDropInUnderRootAndPrintsWhatToRunNext() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root"));

    Run run = twin("systemd", "install", DEMO_PROFILE, "--root", root.toString(), "--unit-path", units.toString());

    assertThat(run.code()).as(run.err()).isZero();
    Path file = root.resolve("etc/systemd/system/twin@demo.service.d/twin.conf");
    assertThat(file).content().contains("User=demo\n");
    // The profile is not in place yet: the first command puts it there.
    assertThat(run.out().lines()).containsExactly(
        "install -D -m 0644 " + Path.of(DEMO_PROFILE).toAbsolutePath().normalize() + " " + root.resolve("etc/twin/profiles/demo.yaml"),
        "systemctl daemon-reload", "systemctl start twin@demo", "TWIN_RUNTIME_DIR=/run/twin/demo twin attach demo");
    assertThat(run.err()).contains("twin: wrote " + file)
        .contains("twin: warning: twin@demo reads its profile from /etc/twin/profiles/demo.yaml, which is missing under "
            + root + "; the first command below copies it there");
  }

  @Test
  void installKeepsADropInEditedByHandUnlessForce() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root"));
    String[] install = {"systemd", "install", DEMO_PROFILE, "--root", root.toString(), "--unit-path", units.toString()};
    assertThat(twin(install).code()).isZero();
    Path file = root.resolve("etc/systemd/system/twin@demo.service.d/twin.conf");
    String twins = Files.readString(file);

    Run again = twin(install);
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.err()).contains("twin: " + file + " is up to date").doesNotContain("wrote");

    String edited = twins + "MemoryMax=1G\n";
    Files.writeString(file, edited);
    Run kept = twin(install);
    assertThat(kept.code()).as(kept.err()).isZero();
    assertThat(file).hasContent(edited);
    assertThat(kept.err()).contains("twin: warning: kept " + file + " (differs from twin's; see how: twin systemd unit "
        + DEMO_PROFILE + " --unit-path " + units + " | diff " + file + " -; replace it: --force)")
        .doesNotContain("wrote");

    Run forced = twin(java.util.stream.Stream.concat(java.util.Arrays.stream(install), java.util.stream.Stream.of("--force"))
        .toArray(String[]::new));
    assertThat(forced.code()).as(forced.err()).isZero();
    assertThat(forced.err()).contains("twin: wrote " + file);
    assertThat(file).hasContent(twins);
  }

  @Test
  void installRefusesARootThatIsNoDirectory() throws Exception {
    Path missing = tmp.resolve("nonexistent");
    Run run = twin("systemd", "install", DEMO_PROFILE, "--root", missing.toString(), "--unit-path", units.toString());

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err().lines()).containsExactly("twin: error: --root " + missing + ": no such directory");
    assertThat(run.out()).isEmpty();
    assertThat(missing).doesNotExist();

    Path file = Files.writeString(tmp.resolve("file"), "x");
    run = twin("systemd", "install", DEMO_PROFILE, "--root", file.toString(), "--unit-path", units.toString());
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err().lines()).containsExactly("twin: error: --root " + file + ": not a directory");
  }

  @Test
  void aDropInPathThatCannotBeIsOneLineAndExit2() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root"));
    Files.writeString(root.resolve("etc"), "a file where a directory should be");

    Run run = twin("systemd", "install", DEMO_PROFILE, "--root", root.toString(), "--unit-path", units.toString());

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err().lines().filter(l -> !l.startsWith("twin: warning:"))).containsExactly("twin: error: cannot write "
        + root.resolve("etc/systemd/system/twin@demo.service.d/twin.conf") + ": not a directory");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void installDoesNotWarnWhenTheProfileIsInPlace() throws Exception {
    Path root = tmp.resolve("root");
    Files.createDirectories(root.resolve("etc/twin/profiles"));
    Files.writeString(root.resolve("etc/twin/profiles/demo.yaml"), "name: demo\n");

    Run run = twin("systemd", "install", DEMO_PROFILE, "--root", root.toString(), "--unit-path", units.toString());

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.err()).doesNotContain("warning");
    assertThat(run.out().lines().findFirst()).contains("systemctl daemon-reload");
  }

  @Test
  void anotherServiceIsNamedWithService() throws Exception {
    Files.writeString(units.resolve("shop.service"), "[Service]\nUser=shop\nExecStart=/usr/bin/java -jar s.jar\n");

    Run run = twin("systemd", "unit", DEMO_PROFILE, "--service", "shop", "--unit-path", units.toString());

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("User=shop\n").contains("twin@demo.service");
  }

  @Test
  void aMissingServiceIsOneLineAndExit2() {
    Run run = twin("systemd", "unit", DEMO_PROFILE, "--service", "nope", "--unit-path", units.toString());

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err().lines().filter(l -> !l.startsWith("twin: warning:"))).singleElement().asString()
        .startsWith("twin: error: unit nope.service not found");
  }
}
