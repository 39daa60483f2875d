package twin.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import twin.ExitCodes;
import twin.TwinException;

/** $VAR and ${VAR} in ExecStart=, several ExecStart= lines, specifiers, and unit syntax errors. */
class SystemdUnitsExpansionTest {

  @TempDir Path tmp;
  Path etc;
  SystemdUnits units;

  @BeforeEach
  void setUp() throws Exception {
    etc = Files.createDirectories(tmp.resolve("etc"));
    Path passwd = Files.writeString(tmp.resolve("passwd"), String.join("\n",
        "root:x:0:0:root:/root:/bin/bash",
        "orders:x:998:997:Orders:/srv/orders-home:/usr/sbin/nologin", ""));
    units = new SystemdUnits(List.of(etc), new UnitSpecifiers.Host(passwd, () -> "web1.example.com"));
  }

  private Path unit(String name, String... lines) throws Exception {
    return Files.writeString(etc.resolve(name), String.join("\n", lines) + "\n");
  }

  private static TwinException error(ThrowingCallable call) {
    TwinException e = catchThrowableOfType(TwinException.class, call);
    assertThat(e).as("expected a TwinException").isNotNull();
    assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(e.getMessage()).doesNotContain("\n");
    return e;
  }

  @Test
  void aWholeWordDollarVarIsSplitAndBracesKeepOneWordAsSystemdDoes() throws Exception {
    unit("demo.service", "[Service]",
        "Environment=\"JAVA_OPTS=-Xmx300m -Dfoo=bar\" APP_HOME=/srv/app",
        "ExecStart=/usr/bin/java $JAVA_OPTS -Dhome=${APP_HOME} -cp /x/demo-service.jar demo.DemoService");

    UnitService demo = units.load("demo");

    assertThat(demo.execStart()).containsExactly("/usr/bin/java", "-Xmx300m", "-Dfoo=bar", "-Dhome=/srv/app",
        "-cp", "/x/demo-service.jar", "demo.DemoService");
    assertThat(demo.warnings()).isEmpty();
    JavaCommandLine command = JavaCommandLine.parse(demo.execStart(), Path.of("/"));
    assertThat(command.main()).isEqualTo("demo.DemoService");
    assertThat(command.classpath()).containsExactly("/x/demo-service.jar");
    assertThat(command.jvmOptions()).containsExactly("-Xmx300m", "-Dfoo=bar", "-Dhome=/srv/app");
  }

  @Test
  void aUnitShownInALogNamesItsVariablesNotTheirValues() throws Exception {
    unit("secretive.service", "[Service]", "Environment=DB_PASSWORD=hunter2-unit-secret",
        "ExecStart=/usr/bin/java --db-password ${DB_PASSWORD} -cp /x/a.jar Main");
    UnitService u = units.load("secretive");
    assertThat(u.execStart()).contains("hunter2-unit-secret");
    assertThat(u.toString()).contains("secretive.service", "DB_PASSWORD").doesNotContain("hunter2-unit-secret");
  }

  @Test
  void referencesFollowSystemdsRulesForEveryForm() {
    Map<String, String> env = Map.of("A", "one two", "Q", "x 'y z'", "E", "");
    Set<String> undefined = new LinkedHashSet<>();

    List<String> argv = ExecVariables.expand(List.of("$A/bin/java", "$A", "${A}", "-Da=${A}!", "-Dlit=$A",
        "$$A", "cost$$", "${A:-b}", "${open", "$Q", "$E", "${E}", "$NOPE", "-Dn=${NOPE}", "$"), env, undefined);

    assertThat(argv).containsExactly("$A/bin/java", "one", "two", "one two", "-Da=one two!", "-Dlit=$A",
        "$A", "cost$", "${A:-b}", "${open", "x", "y z", "", "-Dn=", "$");
    assertThat(undefined).containsExactly("NOPE");
  }

  @Test
  void environmentFilesOverrideEnvironmentAndAnOptionalMissingOneIsSkipped() throws Exception {
    Path env = Files.writeString(tmp.resolve("app.env"), "HEAP=-Xmx2g\nMAIN=\"com.example.Main\"\n");
    unit("app.service", "[Service]",
        "Environment=HEAP=-Xmx1g JAR_DIR=/opt/app",
        "EnvironmentFile=-" + tmp.resolve("missing.env"),
        "EnvironmentFile=" + env,
        "ExecStart=/usr/bin/java ${HEAP} -cp ${JAR_DIR}/lib/* $MAIN");

    assertThat(units.load("app").execStart())
        .containsExactly("/usr/bin/java", "-Xmx2g", "-cp", "/opt/app/lib/*", "com.example.Main");
  }

  @Test
  void aMissingEnvironmentFileTheVariablesNeedIsAnError() throws Exception {
    Path file = unit("app.service", "[Service]",
        "EnvironmentFile=" + tmp.resolve("gone.env"),
        "ExecStart=/usr/bin/java $OPTS -jar /opt/app.jar");

    assertThat(error(() -> units.load("app")).getMessage()).isEqualTo(file + ":3: the variables in ExecStart= of "
        + "app.service need " + tmp.resolve("gone.env") + " (EnvironmentFile=), which does not exist (systemd would "
        + "not start the service)");
  }

  @Test
  void withoutReferencesTheEnvironmentFilesAreNotRead() throws Exception {
    unit("app.service", "[Service]", "EnvironmentFile=/nonexistent/app.env", "ExecStart=/usr/bin/java -jar a.jar");

    assertThat(units.load("app").execStart()).containsExactly("/usr/bin/java", "-jar", "a.jar");
  }

  @Test
  void userHomeAndShellComeFromThePasswdEntryOfUser() throws Exception {
    unit("orders.service", "[Service]", "User=orders",
        "ExecStart=/usr/bin/java -Duser=$USER -Dhome=${HOME} -Dlog=${LOGNAME} -jar ${HOME}/app.jar");

    assertThat(units.load("orders").execStart()).containsExactly("/usr/bin/java", "-Duser=$USER",
        "-Dhome=/srv/orders-home", "-Dlog=orders", "-jar", "/srv/orders-home/app.jar");
  }

  @Test
  void anEmptyExecStartResetsTheListSoADropInReplacesTheCommand() throws Exception {
    unit("app.service", "[Service]", "ExecStart=/usr/bin/java -jar old.jar");
    Files.createDirectories(etc.resolve("app.service.d"));
    Files.writeString(etc.resolve("app.service.d/new.conf"), "[Service]\nExecStart=\nExecStart=/usr/bin/java -jar new.jar\n");

    assertThat(units.load("app").execStart()).containsExactly("/usr/bin/java", "-jar", "new.jar");
  }

  @Test
  void severalExecStartLinesAreRefusedWithWhereEachIs() throws Exception {
    Path file = unit("twice.service", "[Service]", "Type=oneshot", "ExecStart=/usr/bin/java -jar old.jar",
        "ExecStart = /usr/bin/java  -jar  new.jar ");

    assertThat(error(() -> units.load("twice")).getMessage()).isEqualTo("unit twice.service has 2 ExecStart= lines ("
        + file + ":3, " + file + ":4); twin needs the one command that starts the JVM: capture the running JVM "
        + "with --pid PID (or --match TEXT)");
  }

  @Test
  void anUnclosedSectionHeaderIsASyntaxErrorWithFileAndLine() throws Exception {
    Path file = unit("broken.service", "[Unit]", "Description=x", "[Service", "ExecStart=/usr/bin/java -jar a.jar");

    assertThat(error(() -> units.load("broken")).getMessage())
        .isEqualTo(file + ":3: syntax error: a section header must end in ']': [Service");
  }

  @Test
  void theFixedSystemSpecifiersAndTheUsersHomeExpand() throws Exception {
    unit("orders-api.service", "[Service]",
        "WorkingDirectory=%h/app",
        "EnvironmentFile=-%E/app.env",
        "Environment=DIRS=%L:%S:%C:%t:%T:%V WHO=%u:%U HOST=%H:%l NAME=%j:%J:%f:%P",
        "ExecStart=/usr/bin/java -Dlog=%L/orders -jar %h/app.jar",
        "User=orders");

    UnitService orders = units.load("orders-api");

    assertThat(orders.workingDirectory()).isEqualTo("/srv/orders-home/app");
    assertThat(orders.environmentFiles()).containsExactly(new UnitService.EnvironmentFileRef(Path.of("/etc/app.env"), true));
    assertThat(orders.environment()).containsExactly(
        Map.entry("DIRS", "/var/log:/var/lib:/var/cache:/run:/tmp:/var/tmp"), Map.entry("WHO", "orders:998"),
        Map.entry("HOST", "web1.example.com:web1"), Map.entry("NAME", "api:api:/orders/api:orders/api"));
    assertThat(orders.execStart()).containsExactly("/usr/bin/java", "-Dlog=/var/log/orders", "-jar",
        "/srv/orders-home/app.jar");
  }

  @Test
  void withoutUserTheSpecifiersMeanRoot() throws Exception {
    unit("app@x\\x2dy.service", "[Service]", "ExecStart=/usr/bin/java -Dh=%h -Du=%u -Did=%U -Df=%f -jar a.jar");

    assertThat(units.load("app@x\\x2dy").execStart()).containsExactly("/usr/bin/java", "-Dh=/root", "-Du=root",
        "-Did=0", "-Df=/x-y", "-jar", "a.jar");
  }

  @Test
  void anUnknownSpecifierIsRefusedWithTheFileAndLine() throws Exception {
    Path file = unit("app.service", "[Service]", "ExecStart=/usr/bin/java -Dboot=%b -jar a.jar");

    assertThat(error(() -> units.load("app")).getMessage()).isEqualTo(file + ":2: the specifier %b in ExecStart= "
        + "is not one twin can expand (it knows " + UnitSpecifiers.KNOWN + "); write its value out in a drop-in, "
        + "or capture the running JVM with twin capture --pid PID");
  }

  @Test
  void theHomeOfAUserWhoIsNotInPasswdIsAnError() throws Exception {
    Path file = unit("app.service", "[Service]", "User=ghost", "WorkingDirectory=%h",
        "ExecStart=/usr/bin/java -jar a.jar");

    assertThat(error(() -> units.load("app")).getMessage())
        .isEqualTo(file + ":3: %h in WorkingDirectory= needs the user ghost (User=), who is not in " + tmp.resolve("passwd"));
  }
}
