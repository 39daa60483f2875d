package twin.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import twin.ExitCodes;
import twin.TwinException;
import twin.cli.Cli;
import twin.profile.EnvFile;
import twin.profile.Profile;
import twin.profile.ProfileLoader;

class ProfileCaptureTest {
  static final String TOKEN = "tok-3b9f-not-real";
  static final String DB_PASSWORD = "pa\"ss $word\\`x";
  static final String URL_PASSWORD = "hunter22";

  @TempDir Path temp;

  private LiveProcess process(List<String> argv) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("DEMO_PORT", "8080");
    env.put("API_TOKEN", TOKEN);
    env.put("DB_PASSWORD", DB_PASSWORD);
    env.put("DATABASE_URL", "postgres://app:" + URL_PASSWORD + "@db:5432/app");
    env.put("_", "/usr/bin/java");
    env.put("bad.name", "x");
    env.put("GREETING", "hello \"world\"\nline two");
    return new LiveProcess(4242, argv, Path.of("/jdk/bin/java"), env, Path.of("/opt/orders"), 1001, "orders");
  }

  private CapturedProfile capture(Path output, String name) {
    List<String> argv = List.of("java", "-Xmx1g", "-Dapp.mode=live", "-cp", "lib/*:orders.jar",
        "com.example.orders.Main", "--port", "8080");
    return ProfileCapture.capture(process(argv), JavaCommandLine.parse(argv, temp), name, output);
  }

  @Test
  void theProfileLoadsBackAndHoldsNoSecret() throws Exception {
    Path output = temp.resolve("orders-live.yaml");
    CapturedProfile captured = capture(output, null);
    captured.writeTo(output, false, List.of());

    String yaml = Files.readString(output);
    assertThat(yaml).doesNotContain(TOKEN).doesNotContain(URL_PASSWORD).doesNotContain("pa\\\"ss");
    Profile p = new ProfileLoader().parse(yaml, output);
    assertThat(p.name()).isEqualTo("main");
    assertThat(p.java()).isEqualTo("/jdk/bin/java");
    assertThat(p.workdir()).isEqualTo(Path.of("/opt/orders"));
    assertThat(p.user()).isEqualTo("orders");
    assertThat(p.classpath()).containsExactly("lib/*", "orders.jar");
    assertThat(p.jar()).isNull();
    assertThat(p.main()).isEqualTo("com.example.orders.Main");
    assertThat(p.args()).containsExactly("--port", "8080");
    assertThat(p.jvmOptions()).containsExactly("-Xmx1g", "-Dapp.mode=live");
    assertThat(p.env()).containsOnlyKeys("DEMO_PORT", "GREETING")
        .containsEntry("GREETING", "hello \"world\"\nline two");
    assertThat(p.envFiles()).containsExactly(temp.resolve("orders-live.env"));
    assertThat(captured.warnings()).anyMatch(w -> w.contains("'bad.name'"));
  }

  @Test
  void secretsGoToA0600EnvFileThatReadsBackAsTheyWere() throws Exception {
    Path output = temp.resolve("orders-live.yaml");
    CapturedProfile captured = capture(output, "orders");
    captured.writeTo(output, false, List.of());

    Path envFile = temp.resolve("orders-live.env");
    assertThat(captured.envFile()).isEqualTo(envFile);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(envFile))).isEqualTo("rw-------");
    assertThat(EnvFile.parse(envFile)).containsExactly(
        Map.entry("API_TOKEN", TOKEN),
        Map.entry("DB_PASSWORD", DB_PASSWORD),
        Map.entry("DATABASE_URL", "postgres://app:" + URL_PASSWORD + "@db:5432/app"));
  }

  @Test
  void anExistingEnvFileOrProfileIsRefusedBeforeAnythingIsWritten() throws Exception {
    Path output = temp.resolve("orders.yaml");
    Path envFile = Files.writeString(temp.resolve("orders.env"), "OLD=1\n");
    Files.setPosixFilePermissions(envFile, PosixFilePermissions.fromString("rw-r-----"));

    assertThat(usageError(() -> capture(output, null).writeTo(output, false, List.of())))
        .isEqualTo(envFile + " (the env file for the secrets of " + output + ") already exists; "
            + "give another -o FILE, or add --force to replace it");
    assertThat(output).doesNotExist();
    assertThat(Files.readString(envFile)).isEqualTo("OLD=1\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(envFile))).isEqualTo("rw-r-----");

    Files.delete(envFile);
    Files.writeString(output, "name: mine\n");
    assertThat(usageError(() -> capture(output, null).writeTo(output, false, List.of())))
        .isEqualTo(output + " already exists; give another -o FILE, or add --force to replace it");
    assertThat(Files.readString(output)).isEqualTo("name: mine\n");
    assertThat(envFile).doesNotExist();
  }

  @Test
  void withForceBothAreReplacedTheEnvFileAt0600AndTheProfileKeepsItsMode() throws Exception {
    Path output = Files.writeString(temp.resolve("orders.yaml"), "name: mine\n");
    Files.setPosixFilePermissions(output, PosixFilePermissions.fromString("rw-r-----"));
    Path envFile = Files.writeString(temp.resolve("orders.env"), "OLD=1\n");
    Files.setPosixFilePermissions(envFile, PosixFilePermissions.fromString("rw-r--r--"));

    capture(output, null).writeTo(output, true, List.of());

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(envFile))).isEqualTo("rw-------");
    assertThat(EnvFile.parse(envFile)).doesNotContainKey("OLD").containsKey("API_TOKEN");
    assertThat(Files.readString(output)).contains("name: \"main\"");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(output))).isEqualTo("rw-r-----");
    try (var left = Files.list(temp)) {
      assertThat(left.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("orders.yaml", "orders.env");
    }
  }

  @Test
  void aSymbolicLinkIsNeverWrittenThroughOrReplacedEvenWithForce() throws Exception {
    Path output = temp.resolve("orders.yaml");
    Path target = Files.writeString(temp.resolve("service.env"), "SERVICE=1\n");
    Path link = Files.createSymbolicLink(temp.resolve("orders.env"), target);

    assertThat(usageError(() -> capture(output, null).writeTo(output, true, List.of())))
        .isEqualTo(link + " is a symbolic link; twin never writes through or replaces one, even with --force: "
            + "remove it, or give another -o FILE");
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.readString(target)).isEqualTo("SERVICE=1\n");
    assertThat(output).doesNotExist();
  }

  @Test
  void theServicesOwnEnvironmentFileIsNeverReplacedEvenWithForce() throws Exception {
    Path output = temp.resolve("orders.yaml");
    Path envFile = Files.writeString(temp.resolve("orders.env"), "SERVICE=1\n");

    assertThat(usageError(() -> capture(output, null).writeTo(output, true, List.of(envFile))))
        .startsWith(envFile + ", where the secrets of " + output + " would go, is an EnvironmentFile= of the service");
    assertThat(Files.readString(envFile)).isEqualTo("SERVICE=1\n");
  }

  @Test
  void anOutputThatCannotBeAFileSaysSoOnceWithoutRepeatingThePath() throws Exception {
    assertThat(usageError(() -> CapturedProfile.checkOutput(Path.of(""), false)))
        .isEqualTo("-o needs a file name, e.g. -o profiles/orders.yaml");
    assertThat(usageError(() -> CapturedProfile.checkOutput(temp, true)))
        .isEqualTo("-o " + temp + " is a directory; name a file in it, e.g. -o " + temp.resolve("NAME.yaml"));
    Path missing = temp.resolve("no/such/orders.yaml");
    assertThat(usageError(() -> CapturedProfile.checkOutput(missing, false)))
        .isEqualTo("cannot write " + missing + ": the directory " + missing.getParent() + " does not exist");
  }

  private static String usageError(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    TwinException e = org.assertj.core.api.Assertions.catchThrowableOfType(TwinException.class, call);
    assertThat(e).as("expected a TwinException").isNotNull();
    assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE);
    return e.getMessage();
  }

  @Test
  void stdoutIsRefusedWhenTheEnvironmentHoldsSecrets() {
    assertThatThrownBy(() -> capture(null, null))
        .isInstanceOfSatisfying(TwinException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE))
        .hasMessageContaining("API_TOKEN, DB_PASSWORD, DATABASE_URL")
        .hasMessageContaining("use -o FILE")
        .message().doesNotContain(TOKEN).doesNotContain(URL_PASSWORD);
  }

  @Test
  void withoutSecretsStdoutGetsTheProfile() throws Exception {
    List<String> argv = List.of("java", "-jar", "build/Orders-Service_2.jar");
    LiveProcess p = new LiveProcess(1, argv, Path.of("/jdk/bin/java"), Map.of("PORT", "1"), Path.of("/srv"), 0, "root");
    CapturedProfile captured = ProfileCapture.capture(p, JavaCommandLine.parse(argv, temp), null, null);
    assertThat(captured.envFile()).isNull();
    Profile profile = new ProfileLoader().parse(captured.yaml(), temp.resolve("x.yaml"));
    assertThat(profile.name()).isEqualTo("orders-service-2");
    assertThat(profile.jar()).isEqualTo("build/Orders-Service_2.jar");
    assertThat(profile.classpath()).isEmpty();
    assertThat(profile.envFiles()).isEmpty();
  }

  @Test
  void aSecretJvmOptionIsMaskedWithAWarning() {
    List<String> argv = List.of("java", "-Ddb.password=s3cr3t-value", "-cp", "a.jar", "Main");
    LiveProcess p = new LiveProcess(1, argv, Path.of("/jdk/bin/java"), Map.of(), Path.of("/srv"), 0, "root");
    CapturedProfile captured = ProfileCapture.capture(p, JavaCommandLine.parse(argv, temp), "svc", null);
    assertThat(captured.yaml()).doesNotContain("s3cr3t-value").contains("-Ddb.password=***");
    assertThat(captured.warnings()).anyMatch(w -> w.contains("-Ddb.password=***"));
  }

  @Test
  void aSecretValueAnywhereInTheCommandLineIsMaskedByValueWithAWarning() {
    // A unit's ExecStart= with --auth ${API_TOKEN}: the value came from an EnvironmentFile= the profile only names.
    List<String> argv = List.of("java", "-cp", "a.jar", "Main", "--auth", "s3cr3t-from-unit");
    LiveProcess p = new LiveProcess(0, argv, Path.of("/jdk/bin/java"), Map.of(), Path.of("/srv"), -1, "root");
    CapturedProfile captured = ProfileCapture.capture(p, JavaCommandLine.parse(argv, temp), "svc", null, List.of(),
        "unit svc.service", Map.of("API_TOKEN", "s3cr3t-from-unit"));
    assertThat(captured.yaml()).doesNotContain("s3cr3t-from-unit").contains("\"***\"");
    assertThat(captured.warnings()).contains("the argument --auth *** holds a secret: the profile has it masked; "
        + "put the value back by hand if the twin needs it");
  }

  @Test
  void aBadNameIsAUsageError() {
    assertThatThrownBy(() -> capture(temp.resolve("x.yaml"), "Orders"))
        .isInstanceOfSatisfying(TwinException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE))
        .hasMessageContaining("--name");
  }

  @Test
  void envFileNames() {
    assertThat(ProfileCapture.envFileFor(Path.of("/p/orders.yaml"))).isEqualTo(Path.of("/p/orders.env"));
    assertThat(ProfileCapture.envFileFor(Path.of("orders.yml"))).isEqualTo(Path.of("orders.env"));
    assertThat(ProfileCapture.envFileFor(Path.of("orders"))).isEqualTo(Path.of("orders.env"));
  }

  @Test
  void theCommandCapturesThisJvm() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Cli.create(new PrintWriter(out, true), new PrintWriter(err, true));
    Path output = temp.resolve("self.yaml");
    int code = cli.execute("capture", "--pid", Long.toString(ProcessHandle.current().pid()),
        "--name", "self", "-o", output.toString());

    assertThat(code).as(err.toString()).isZero();
    assertThat(err.toString()).contains("twin: wrote " + output).contains("twin: try: twin launch " + output + " --dry-run");
    assertThat(new ProfileLoader().load(output).name()).isEqualTo("self");
  }

  @Test
  void theCommandNeedsAPidOrAMatch() {
    StringWriter err = new StringWriter();
    CommandLine cli = Cli.create(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
    assertThat(cli.execute("capture")).isEqualTo(ExitCodes.USAGE);
    assertThat(cli.execute("capture", "--pid", "1", "--match", "x")).isEqualTo(ExitCodes.USAGE);
    assertThat(cli.execute("capture", "--pid", "999999999")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("twin: error: no process with pid 999999999");
  }
}
