package twin.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import twin.secret.Redactor;

class ProfileRendererTest {

  @TempDir Path tmp;

  private final ProfileLoader loader = new ProfileLoader();
  private final ProfileRenderer renderer = new ProfileRenderer();

  @Test
  void roundTripsEveryFieldWithSecretsMasked() throws Exception {
    Path file = tmp.resolve("profiles/orders.yaml");
    Files.createDirectories(file.getParent());
    Files.writeString(file, String.join("\n",
        "name: orders",
        "java: /usr/bin/java",
        "workdir: app",
        "user: \"1000\"",
        "classpath: [\"lib/*\", 'with \"quotes\" and \\ backslash', \"tab\\there\"]",
        "main: com.example.Main",
        "args: [--port, \"8080\", \"yes\", \"\", --db-password=hunter2x]",
        "jvm-options:",
        "  - -Xmx4g",
        "  - -Djavax.net.ssl.keyStorePassword=changeit",
        "  - -Dgreeting=caf\u00e9 \u2603",
        "env:",
        "  DB_PASSWORD: s3cr3t-pass",
        "  DB_URL: postgres://orders:urlpass1@db/orders",
        "  ECHO: uses s3cr3t-pass inside",
        "  ON: \"off\"",
        "  MULTI: \"line1\\nline2\"",
        "env-files: [env/orders.env]",
        "twin:",
        "  init: [\"(println \\\"hi\\\")\"]",
        "  heap: 512m",
        "  keep-options: [-javaagent:/opt/a.jar]",
        "  env: {TWIN_TOKEN: abcdefgh, MODE: debug}",
        "  unset-env: [DD_API_KEY]",
        ""));
    Profile original = loader.load(file);

    String yaml = renderer.render(original, Redactor.none());
    Profile back = loader.parse(yaml, file);

    assertThat(yaml).doesNotContain("s3cr3t-pass", "urlpass1", "changeit", "hunter2x", "abcdefgh");
    assertThat(back.name()).isEqualTo(original.name());
    assertThat(back.java()).isEqualTo(original.java());
    assertThat(back.workdir()).isEqualTo(original.workdir());
    assertThat(back.user()).isEqualTo("1000");
    assertThat(back.classpath()).isEqualTo(original.classpath())
        .containsExactly("lib/*", "with \"quotes\" and \\ backslash", "tab\there");
    assertThat(back.jar()).isNull();
    assertThat(back.main()).isEqualTo(original.main());
    assertThat(back.args()).containsExactly("--port", "8080", "yes", "", "--db-password=***");
    assertThat(back.jvmOptions()).containsExactly("-Xmx4g",
        "-Djavax.net.ssl.keyStorePassword=***", "-Dgreeting=caf\u00e9 \u2603");
    assertThat(back.env()).containsExactly(
        Map.entry("DB_PASSWORD", "***"),
        Map.entry("DB_URL", "postgres://orders:***@db/orders"),
        Map.entry("ECHO", "uses *** inside"),
        Map.entry("ON", "off"),
        Map.entry("MULTI", "line1\nline2"));
    assertThat(back.envFiles()).isEqualTo(original.envFiles());
    assertThat(back.twin().init()).isEqualTo(original.twin().init());
    assertThat(back.twin().heap()).isEqualTo("512m");
    assertThat(back.twin().keepOptions()).isEqualTo(original.twin().keepOptions());
    assertThat(back.twin().env()).containsExactly(
        Map.entry("TWIN_TOKEN", "***"), Map.entry("MODE", "debug"));
    assertThat(back.twin().unsetEnv()).containsExactly("DD_API_KEY");
  }

  @Test
  void rendersInSchemaOrderAndLeavesOutWhatIsAbsent() throws Exception {
    Path file = tmp.resolve("min.yaml");
    Profile p = loader.parse("jar: app.jar\nname: min\nuser: svc\n", file);
    assertThat(renderer.render(p, Redactor.none()))
        .isEqualTo("name: \"min\"\nuser: \"svc\"\njar: \"app.jar\"\n");
  }

  @Test
  void masksSecretsTheCallerKnows() throws Exception {
    Path file = tmp.resolve("x.yaml");
    Profile p = loader.parse("name: x\njar: app.jar\nargs: [--key-file, from-env-file-1]\n", file);
    Redactor fromEnvFiles = new Redactor(Map.of("LICENSE_KEY", "from-env-file-1"));
    String yaml = renderer.render(p, fromEnvFiles);
    assertThat(yaml).doesNotContain("from-env-file-1");
    assertThat(loader.parse(yaml, file).args()).containsExactly("--key-file", "***");
  }

  @Test
  void quotesEnvNamesThatYamlWouldReadAsSomethingElse() throws Exception {
    Path file = tmp.resolve("x.yaml");
    Profile p = loader.parse("name: x\njar: a\nenv: {Y: '1', NULL: '2', PLAIN: '3'}\n", file);
    String yaml = renderer.render(p, Redactor.none());
    assertThat(yaml).contains("  \"Y\": \"1\"\n", "  \"NULL\": \"2\"\n", "  PLAIN: \"3\"\n");
    assertThat(loader.parse(yaml, file).env()).isEqualTo(p.env());
  }

  @Test
  void escapesControlCharacters() throws Exception {
    Path file = tmp.resolve("x.yaml");
    Profile p = loader.parse("name: x\njar: a\nmain: \"a\\u0007b\\u001bc\\u00a0\\U0001F600\"\n", file);
    String yaml = renderer.render(p, Redactor.none());
    assertThat(yaml).contains("main: \"a\\u0007b\\u001Bc\u00a0\uD83D\uDE00\"");
    assertThat(loader.parse(yaml, file).main()).isEqualTo(p.main());
  }
}
