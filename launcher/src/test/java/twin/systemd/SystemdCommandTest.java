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
    Path root = tmp.resolve("root");

    Run run = twin("systemd", "install", DEMO_PROFILE, "--root", root.toString(), "--unit-path", units.toString());

    assertThat(run.code()).as(run.err()).isZero();
    Path file = root.resolve("etc/systemd/system/twin@demo.service.d/twin.conf");
    assertThat(file).content().contains("User=demo\n");
    assertThat(run.out().lines()).containsExactly("systemctl daemon-reload", "systemctl start twin@demo",
        "TWIN_RUNTIME_DIR=/run/twin/demo twin attach demo");
    assertThat(run.err()).contains("twin: wrote " + file)
        .contains("twin: warning: twin@demo reads its profile from /etc/twin/profiles/demo.yaml, which is missing under "
            + root);
  }

  @Test
  void installDoesNotWarnWhenTheProfileIsInPlace() throws Exception {
    Path root = tmp.resolve("root");
    Files.createDirectories(root.resolve("etc/twin/profiles"));
    Files.writeString(root.resolve("etc/twin/profiles/demo.yaml"), "name: demo\n");

    Run run = twin("systemd", "install", DEMO_PROFILE, "--root", root.toString(), "--unit-path", units.toString());

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.err()).doesNotContain("warning");
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
