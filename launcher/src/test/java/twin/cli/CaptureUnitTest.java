package twin.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.List;
import java.util.Map;
import twin.TwinException;
import twin.capture.LiveSource;
import twin.capture.ProcReader;
import twin.capture.SystemdUnits;
import twin.profile.Profile;
import twin.profile.ProfileSource;
import twin.profile.ProfileLoader;

/** {@code twin capture --unit}: unit-file fixtures become the profiles a launch expects. */
class CaptureUnitTest {
  @TempDir
  Path tmp;

  private String unitPath;

  @BeforeEach
  void copyFixtures() throws IOException, URISyntaxException {
    Path units = Path.of(CaptureUnitTest.class.getResource("/units").toURI());
    try (Stream<Path> files = Files.walk(units)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = tmp.resolve("units").resolve(units.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    unitPath = tmp.resolve("units/etc") + ":" + tmp.resolve("units/lib");
  }

  private record Run(int code, String out, String err) {}

  private Run capture(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = Stream.concat(Stream.of("capture"), Stream.of(args)).toArray(String[]::new);
    int code = Cli.create(new PrintWriter(out), new PrintWriter(err)).execute(all);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void aDropInThatResetsExecStartGivesTheNewLaunchAndTheUnitsEnvironment() throws Exception {
    Path file = tmp.resolve("orders.yaml");
    Run run = capture("--unit", "orders", "--unit-path", unitPath, "--snapshot", "-o", file.toString());

    assertThat(run.code()).as(run.err()).isZero();
    Profile p = new ProfileLoader().load(file);
    assertThat(p.name()).isEqualTo("orders");
    assertThat(p.java()).isEqualTo("/usr/bin/java");
    assertThat(p.jar()).isEqualTo("/opt/orders/new.jar");
    assertThat(p.user()).isEqualTo("orders");
    assertThat(p.workdir()).isEqualTo(Path.of("/srv/orders"));
    assertThat(p.env()).containsEntry("C", "x y").containsEntry("A", "override");
    assertThat(p.envFiles()).containsExactly(Path.of("/etc/orders/orders.env"));
    assertThat(run.err()).contains("/etc/default/orders").contains("optional");
  }

  @Test
  void aTemplateInstanceExpandsItsSpecifiers() throws Exception {
    Run run = capture("--unit", "worker@blue.service", "--unit-path", unitPath, "--snapshot");

    assertThat(run.code()).as(run.err()).isZero();
    Profile p = new ProfileLoader().parse(run.out(), tmp.resolve("worker.yaml"));
    assertThat(p.name()).isEqualTo("worker-blue");
    assertThat(String.join(" ", p.jvmOptions()) + " " + p.env()).contains("blue");
  }

  @Test
  void byDefaultAUnitGivesALiveLinkedProfileThatReadsTheUnitAtEachLaunch() throws Exception {
    Run run = capture("--unit", "worker@blue.service", "--unit-path", unitPath);

    assertThat(run.code()).as(run.err()).isZero();
    Profile linked = new ProfileLoader().parse(run.out(), tmp.resolve("worker-blue.yaml"));
    assertThat(linked.name()).isEqualTo("worker-blue");
    assertThat(linked.source()).isEqualTo(new ProfileSource(ProfileSource.Kind.SYSTEMD_UNIT,
        "worker@blue.service", linked.source().mark()));
    assertThat(linked.jar()).isNull();
    assertThat(linked.env()).isEmpty();

    SystemdUnits units = new SystemdUnits(List.of(tmp.resolve("units/etc"), tmp.resolve("units/lib")));
    Profile p = new LiveSource(new ProcReader(), units).resolve(linked);
    assertThat(p.java()).isEqualTo("/usr/bin/java");
    assertThat(p.jar()).isEqualTo("/opt/worker/worker.jar");
    assertThat(p.user()).isEqualTo("worker-blue");
    assertThat(p.workdir()).isEqualTo(Path.of("/var/lib/worker/blue"));
    assertThat(p.jvmOptions()).contains("-Dinstance=blue", "-Dunit=worker@blue.service");
    assertThat(p.env()).containsExactly(Map.entry("WORKER", "blue"), Map.entry("LABEL", "worker on blue"),
        Map.entry("COLOR", "blue"));
  }

  @Test
  void aLiveLinkedUnitWhoseEnvironmentFileIsMissingIsOneLineNotStaleData() throws Exception {
    Run run = capture("--unit", "orders", "--unit-path", unitPath);
    assertThat(run.code()).as(run.err()).isZero();
    Profile linked = new ProfileLoader().parse(run.out(), tmp.resolve("orders.yaml"));
    SystemdUnits units = new SystemdUnits(List.of(tmp.resolve("units/etc"), tmp.resolve("units/lib")));

    assertThatThrownBy(() -> new LiveSource(new ProcReader(), units).resolve(linked))
        .isInstanceOf(TwinException.class)
        .hasMessageStartingWith("profile 'orders', source systemd-unit: orders.service (")
        .hasMessageContaining("/etc/orders/orders.env");
    SystemdUnits empty = new SystemdUnits(List.of(tmp));
    assertThatThrownBy(() -> new LiveSource(new ProcReader(), empty).resolve(linked))
        .hasMessageEndingWith("unit orders.service not found (searched: " + tmp + "); " + LiveSource.WHAT_TO_DO);
  }

  @Test
  void aWrapperScriptIsRefusedWithWhatToDoInstead() {
    Run run = capture("--unit", "legacy", "--unit-path", unitPath);

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).startsWith("twin: error: the ExecStart of legacy.service runs ")
        .contains("twin capture --pid");
  }

  @Test
  void aMissingUnitIsOneLine() {
    Run run = capture("--unit", "nosuch", "--unit-path", tmp.toString());

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err().strip()).isEqualTo("twin: error: unit nosuch.service not found (searched: " + tmp + ")");
  }

  @Test
  void withoutNameTheProfileIsNamedAfterTheOutputFileWhichIsHowLaunchFindsIt() throws Exception {
    Path file = tmp.resolve("dsnap.yaml");
    Run run = capture("--unit", "orders", "--unit-path", unitPath, "--snapshot", "-o", file.toString());

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(new ProfileLoader().load(file).name()).isEqualTo("dsnap");
    assertThat(run.err()).doesNotContain("warning: the profile is named");
  }

  @Test
  void aNameThatIsNotTheFileNameIsWrittenWithAWarningSayingHowToLaunchIt() throws Exception {
    Path file = tmp.resolve("other.yaml");
    Run run = capture("--unit", "orders", "--unit-path", unitPath, "--name", "orders", "-o", file.toString());

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(new ProfileLoader().load(file).name()).isEqualTo("orders");
    assertThat(run.err()).contains("twin: warning: the profile is named 'orders' but twin finds a profile by its "
        + "file name, so twin launch orders will not find " + file + ": name the file orders.yaml, or launch it by "
        + "its path\n");
  }

  @Test
  void anExistingProfileIsRefusedUnlessForce() throws Exception {
    Path file = Files.writeString(tmp.resolve("orders.yaml"), "name: mine\n");

    Run refused = capture("--unit", "orders", "--unit-path", unitPath, "-o", file.toString());
    assertThat(refused.code()).isEqualTo(2);
    assertThat(refused.err()).isEqualTo("twin: error: " + file + " already exists; give another -o FILE, or add "
        + "--force to replace it\n");
    assertThat(Files.readString(file)).isEqualTo("name: mine\n");

    Run forced = capture("--unit", "orders", "--unit-path", unitPath, "-o", file.toString(), "--force");
    assertThat(forced.code()).as(forced.err()).isZero();
    assertThat(new ProfileLoader().load(file).source().value()).isEqualTo("orders.service");
  }

  @Test
  void anEmptyOrDirectoryOutputIsOneLineThatNamesThePathOnce() {
    Run empty = capture("--unit", "orders", "--unit-path", unitPath, "-o", "");
    assertThat(empty.code()).isEqualTo(2);
    assertThat(empty.err()).isEqualTo("twin: error: -o needs a file name, e.g. -o profiles/orders.yaml\n");

    Run dir = capture("--unit", "orders", "--unit-path", unitPath, "-o", tmp.toString());
    assertThat(dir.code()).isEqualTo(2);
    assertThat(dir.err()).isEqualTo("twin: error: -o " + tmp + " is a directory; name a file in it, e.g. -o "
        + tmp.resolve("NAME.yaml") + "\n");

    Run force = capture("--unit", "orders", "--unit-path", unitPath, "--force");
    assertThat(force.code()).isEqualTo(2);
    assertThat(force.err()).isEqualTo("twin: error: --force replaces the file of -o FILE; there is none\n");
  }

  @Test
  void twinsOwnProcessesAreRecognised() {
    Path java = Path.of("/usr/bin/java");
    twin.capture.LiveProcess twinJvm = new twin.capture.LiveProcess(7, List.of("java", "-cp", "a.jar:twin-runtime.jar",
        "twin.runtime.TwinMain"), java, Map.of("TWIN", "1", "TWIN_PROFILE", "orders"), tmp, 0, "root");
    twin.capture.LiveProcess supervisor = new twin.capture.LiveProcess(8, List.of("java", "-cp",
        "/usr/share/twin/twin.jar", "twin.Main", "supervise", "--id", "x"), java, Map.of(), tmp, 0, "root");
    twin.capture.LiveProcess launcher = new twin.capture.LiveProcess(9, List.of("java", "-jar",
        "/usr/share/twin/twin.jar", "launch", "orders"), java, Map.of(), tmp, 0, "root");
    twin.capture.LiveProcess service = new twin.capture.LiveProcess(10, List.of("java", "-jar", "orders.jar"), java,
        Map.of(), tmp, 0, "root");

    assertThat(role(twinJvm)).isEqualTo("a twin's JVM (profile 'orders')");
    assertThat(role(supervisor)).isEqualTo("a twin's supervisor");
    assertThat(role(launcher)).isEqualTo("twin itself");
    assertThat(role(service)).isNull();
  }

  private String role(twin.capture.LiveProcess p) {
    return CaptureCommand.twinRole(p, twin.capture.JavaCommandLine.parse(p.cmdline(), tmp));
  }
}
