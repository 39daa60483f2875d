package twin.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import twin.ExitCodes;
import twin.TwinException;
import twin.capture.UnitService.EnvironmentFileRef;

class SystemdUnitsTest {

  @TempDir Path tmp;
  Path etc;
  Path lib;
  SystemdUnits units;

  @BeforeEach
  void copyFixtures() throws Exception {
    Path fixtures = Path.of(getClass().getResource("/units").toURI());
    try (Stream<Path> all = Files.walk(fixtures)) {
      for (Path from : all.toList()) {
        Path to = tmp.resolve(fixtures.relativize(from).toString());
        if (Files.isDirectory(from)) {
          Files.createDirectories(to);
        } else {
          Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    etc = tmp.resolve("etc");
    lib = tmp.resolve("lib");
    units = new SystemdUnits(List.of(etc, lib));
  }

  private Path write(String relative, String text) throws Exception {
    Path file = tmp.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    return file;
  }

  private static TwinException error(ThrowingCallable call) {
    TwinException e = catchThrowableOfType(TwinException.class, call);
    assertThat(e).as("expected a TwinException").isNotNull();
    assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(e.getMessage()).doesNotContain("\n");
    return e;
  }

  @Test
  void readsTheFirstUnitFileThenItsDropInsInFileNameOrder() {
    UnitService orders = units.load("orders");

    assertThat(orders.unitName()).isEqualTo("orders.service");
    // The packaged lib/orders.service is shadowed; lib's override.conf loses to etc's.
    assertThat(orders.sources()).containsExactly(etc.resolve("orders.service"),
        lib.resolve("orders.service.d/10-heap.conf"),
        etc.resolve("orders.service.d/override.conf"));
    assertThat(orders.execStart()).containsExactly("/usr/bin/java", "-jar", "/opt/orders/new.jar");
    assertThat(orders.user()).isEqualTo("orders");
    assertThat(orders.group()).isEqualTo("orders");
    assertThat(orders.slice()).isEqualTo("apps.slice");
    assertThat(orders.workingDirectory()).isEqualTo("/srv/orders");
  }

  @Test
  void environmentUnquotesAccumulatesResetsAndLetsTheLaterValueWin() {
    // DROPPED is reset by "Environment="; B=3 then B=4 then the drop-in's B=5; A is overridden.
    assertThat(units.load("orders.service").environment()).containsExactly(
        Map.entry("A", "override"), Map.entry("B", "5"), Map.entry("C", "x y"),
        Map.entry("D", "orders.service"), Map.entry("JAVA_OPTS", "-Xmx1g"));
  }

  @Test
  void environmentFilesKeepOrderAndTheOptionalDash() {
    assertThat(units.load("orders").environmentFiles()).containsExactly(
        new EnvironmentFileRef(Path.of("/etc/default/orders"), true),
        new EnvironmentFileRef(Path.of("/etc/orders/orders.env"), false));
  }

  @Test
  void dropInsApplyFromEveryDirectoryOfThePath() {
    UnitService packaged = new SystemdUnits(List.of(lib)).load("orders");

    assertThat(packaged.execStart()).containsExactly(
        "/usr/bin/java", "-jar", "/opt/orders/shadowed.jar");
    assertThat(packaged.user()).isEqualTo("nobody");
    assertThat(packaged.environment()).containsExactly(
        Map.entry("JAVA_OPTS", "-Xmx1g"), Map.entry("B", "5"));
  }

  @Test
  void anInstanceReadsItsTemplateAndExpandsSpecifiers() {
    UnitService worker = units.load("worker@a\\x2db-c");

    assertThat(worker.unitName()).isEqualTo("worker@a\\x2db-c.service");
    assertThat(worker.execStart()).containsExactly("/usr/bin/java",
        "-Dinstance=a\\x2db-c", "-Dpath=a-b/c", "-Dunit=worker@a\\x2db-c.service",
        "-Dname=worker@a\\x2db-c", "-Dprefix=worker", "-Dpct=100%",
        "-jar", "/opt/worker/worker.jar");
    assertThat(worker.environment()).containsExactly(Map.entry("WORKER", "a\\x2db-c"),
        Map.entry("LABEL", "worker on a-b/c"), Map.entry("COLOR", "a\\x2db-c"));
    assertThat(worker.environmentFiles()).containsExactly(
        new EnvironmentFileRef(Path.of("/etc/worker/a\\x2db-c.env"), true));
    assertThat(worker.workingDirectory()).isEqualTo("/var/lib/worker/a-b/c");
    assertThat(worker.user()).isEqualTo("worker-a\\x2db-c");
    assertThat(worker.group()).isEqualTo("worker");
  }

  @Test
  void anInstanceReadsDropInsOfItselfAndOfItsTemplate() {
    UnitService blue = units.load("worker@blue.service");

    assertThat(blue.sources()).containsExactly(lib.resolve("worker@.service"),
        etc.resolve("worker@.service.d/color.conf"),
        lib.resolve("worker@blue.service.d/slice.conf"));
    assertThat(blue.slice()).isEqualTo("blue.slice");
    assertThat(blue.environment()).containsEntry("COLOR", "blue");
    assertThat(blue.environmentFiles()).containsExactly(
        new EnvironmentFileRef(Path.of("/etc/worker/blue.env"), true));
  }

  @Test
  void anInstanceFileOfItsOwnWinsOverTheTemplate() throws Exception {
    write("lib/worker@green.service", "[Service]\nExecStart=/usr/bin/java -jar green.jar\n");

    assertThat(units.load("worker@green").sources())
        .startsWith(lib.resolve("worker@green.service"));
  }

  @Test
  void unitNameUnescapingTurnsDashesIntoSlashesAndDecodesHexBytes() {
    assertThat(UnitName.unescape("a\\x2db-c")).isEqualTo("a-b/c");
    assertThat(UnitName.unescape("caf\\xc3\\xa9")).isEqualTo("café");
    assertThat(UnitName.unescape("keep\\xzz")).isEqualTo("keep\\xzz");
  }

  @Test
  void execStartDropsPrefixesAndTheArgv0OverrideJoinsLinesAndUnquotes() {
    UnitService prefixed = units.load("prefixed");

    assertThat(prefixed.execStart()).containsExactly("/usr/lib/jvm/java-17/bin/java",
        "-Dgreeting=hello world", "-Dsingle=a b", "-Dpath=/srv/with space",
        "-Descaped=say \"hi\"", "-Dtab=a\tb", "-Dbackslash=c:\\dir",
        // Variables are replaced as systemd replaces them at start; OTHER is defined nowhere.
        "-cp", "/a.jar:/b.jar", "app.Main");
    assertThat(prefixed.warnings()).containsExactly(tmp.resolve("lib/prefixed.service") + ":2: ExecStart= refers "
        + "to $OTHER, which neither Environment= nor EnvironmentFile= of prefixed.service defines; it is empty, "
        + "as systemd would make it");
    assertThat(prefixed.workingDirectory()).isEqualTo("~");
    assertThat(prefixed.user()).isNull();
    assertThat(prefixed.group()).isNull();
    assertThat(prefixed.slice()).isNull();
  }

  @Test
  void execStartAcceptsEveryPrefixCombination() throws Exception {
    write("etc/a.service", "[Service]\nExecStart=!!/usr/bin/java -version\n");
    write("etc/b.service", "[Service]\nExecStart=:-/usr/bin/java -version\n");
    write("etc/c.service", "[Service]\nExecStart=+@/usr/bin/java java -version\n");

    for (String unit : List.of("a", "b", "c")) {
      assertThat(units.load(unit).execStart()).as(unit)
          .containsExactly("/usr/bin/java", "-version");
    }
  }

  @Test
  void resetsAndInvalidValuesBehaveAsInSystemd() throws Exception {
    write("etc/resets.service", String.join("\n", "[Service]",
        "ExecStart=/usr/bin/java -jar app.jar",
        "EnvironmentFile=/etc/one.env",
        "EnvironmentFile=",
        "EnvironmentFile=relative.env",
        "EnvironmentFile=/etc/two.env",
        "Environment=GOOD=1 not-an-assignment 1BAD=2 =3",
        "WorkingDirectory=/srv/app",
        "WorkingDirectory=relative",
        "User=someone",
        "User=",
        "no equals sign here",
        "[Unit]",
        "User=ignored"));

    UnitService resets = units.load("resets");
    assertThat(resets.environmentFiles()).containsExactly(
        new EnvironmentFileRef(Path.of("/etc/two.env"), false));
    assertThat(resets.environment()).containsExactly(Map.entry("GOOD", "1"));
    assertThat(resets.workingDirectory()).isEqualTo("/srv/app");
    assertThat(resets.user()).isNull();
  }

  @Test
  void aMissingUnitNamesTheDirectoriesSearched() {
    assertThat(error(() -> units.load("missing")).getMessage())
        .isEqualTo("unit missing.service not found (searched: " + etc + ", " + lib + ")");
  }

  @Test
  void anInstanceWithoutUnitOrTemplateIsNotFound() {
    assertThat(error(() -> units.load("nothing@x")).getMessage())
        .startsWith("unit nothing@x.service not found (searched: ");
  }

  @Test
  void aUnitWithoutExecStartIsAnError() {
    assertThat(error(() -> units.load("noexec")).getMessage())
        .isEqualTo("unit noexec.service has no ExecStart=");
  }

  @Test
  void aMaskedUnitIsAnError() throws Exception {
    write("etc/empty.service", "");
    Path link = Files.createSymbolicLink(etc.resolve("legacy.service"), Path.of("/dev/null"));

    assertThat(error(() -> units.load("empty")).getMessage())
        .isEqualTo("unit empty.service is masked (" + etc.resolve("empty.service") + ")");
    assertThat(error(() -> units.load("legacy")).getMessage())
        .startsWith("unit legacy.service is masked");
    Files.delete(link); // @TempDir warns about links that lead out of it
  }

  @Test
  void anUnterminatedQuoteNamesTheLineButNotTheValue() throws Exception {
    Path file = write("etc/quote.service",
        "[Service]\nExecStart=/usr/bin/java\nEnvironment=\"PASSWORD=hunter2\n");

    TwinException e = error(() -> units.load("quote"));
    assertThat(e.getMessage()).isEqualTo(file + ":3: unterminated quote in Environment=");
  }

  @Test
  void otherUnitTypesAndPathsAreNotServiceNames() {
    assertThat(error(() -> units.load("orders.socket")).getMessage())
        .isEqualTo("twin reads service units only, not orders.socket");
    assertThat(error(() -> units.load("../orders")).getMessage())
        .isEqualTo("not a unit name: '../orders'");
  }

  @Test
  void requireJavaAcceptsAJavaExecutable() {
    SystemdUnits.requireJava(units.load("orders"));
    SystemdUnits.requireJava(units.load("prefixed"));
  }

  @Test
  void requireJavaPointsAWrapperScriptAtCapture() {
    UnitService legacy = units.load("legacy");

    assertThat(error(() -> SystemdUnits.requireJava(legacy)).getMessage()).isEqualTo(
        "the ExecStart of legacy.service runs /opt/orders/bin/start.sh, not java; start the"
            + " service and capture its JVM with twin capture --pid PID (or --match TEXT)");
  }

  @Test
  void theStandardPathIsTwinUnitPathOrSystemdsDirectories() {
    assertThat(SystemdUnits.standard(Map.of("TWIN_UNIT_PATH", "/a::/b")).searchPath())
        .containsExactly(Path.of("/a"), Path.of("/b"));
    assertThat(SystemdUnits.standard(Map.of()).searchPath()).containsExactly(
        Path.of("/etc/systemd/system"), Path.of("/run/systemd/system"),
        Path.of("/lib/systemd/system"), Path.of("/usr/lib/systemd/system"));
  }
}
