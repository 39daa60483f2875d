package twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeds secrets in the environment (by name, by a profile-added name, and in a URL), types them
 * into forms, returns them as values and throws them in errors, in the foreground and in a
 * detached twin; then reads every output and every file the run left (transcripts, logs,
 * private dirs) and finds none of them.
 */
@Timeout(150)
class SecretsSweepIT {
  private static final String TOKEN = "demo-token-not-a-real-secret-7f3a";
  private static final String LICENCE = "lic-9f8e7d6c5b4a";
  private static final String URL_PASSWORD = "url-pw-4b3c2a1d";
  /** A password twin knows only by its shape: no variable holds it, the service code builds it. */
  private static final String SHAPE_ONLY = "shape-only-77aa";
  /** Secrets in the service's JVM options: system properties the twin's code can read and print. */
  private static final String PROPERTY_PASSWORD = "prop-pw-5e6f7a8b";
  private static final String PROPERTY_KEY = "sk-live-abcdef123456";
  /** A numeric password in a profile that fails to load: its error must not quote it. */
  private static final String NUMERIC_PASSWORD = "0775123";
  /** A secret as the argument after a secret-named option: --db-password VALUE. */
  private static final String ARG_PASSWORD = "argpw-3c4d5e6f";
  /** A secret in JSON, where Spring Boot reads it: SPRING_APPLICATION_JSON. */
  private static final String JSON_PASSWORD = "json-pw-8a9b0c1d";
  private static final List<String> SECRETS = List.of(TOKEN, LICENCE, URL_PASSWORD, SHAPE_ONLY, PROPERTY_PASSWORD,
      PROPERTY_KEY, NUMERIC_PASSWORD, ARG_PASSWORD, JSON_PASSWORD);

  @TempDir
  Path tmp;

  @Test
  void noSecretValueShowsAnywhere() throws Exception {
    Path profile = Fixtures.demoProfile(tmp.resolve("profiles"), Host.freePort(), Host.freePort(), tmp.resolve("d.db"),
        "  secret-names: [LICENCE]\n");
    String yaml = Files.readString(profile).replace("env:\n", "env:\n  ORDERS_LICENCE: " + Fixtures.q(LICENCE)
        + "\n  DB_URL: " + Fixtures.q("postgres://app:" + URL_PASSWORD + "@db.internal/app")
        + "\n  SPRING_APPLICATION_JSON: " + Fixtures.q("{\"spring.datasource.password\":\"" + JSON_PASSWORD + "\"}")
        + "\n");
    yaml = yaml.replace("args: []\n", "args: [--db-password, " + ARG_PASSWORD + "]\n");
    yaml = yaml.replace("jvm-options:\n", "jvm-options:\n  - -Dspring.datasource.password=" + PROPERTY_PASSWORD
        + "\n  - -Dapi.key=" + PROPERTY_KEY + "\n");
    Files.writeString(profile, yaml);
    Path broken = tmp.resolve("profiles/broken.yaml"); // the profiles dir holds secrets by design
    Files.writeString(broken, "name: broken\njar: app.jar\nenv:\n  DB_PASSWORD: " + NUMERIC_PASSWORD + "\n");
    String[] forms = {
        "-e", "(System/getProperty \"spring.datasource.password\")",
        "-e", "(println (System/getProperty \"api.key\") (.getInputArguments (java.lang.management.ManagementFactory/getRuntimeMXBean)))",
        "-e", "(str \"" + TOKEN + "\")",
        "-e", "(System/getenv \"ORDERS_LICENCE\")",
        "-e", "(System/getenv \"DB_URL\")",
        "-e", "(System/getenv \"SPRING_APPLICATION_JSON\")",
        "-e", "(System/getProperty \"sun.java.command\")",
        "-e", "(println (System/getenv \"DEMO_API_TOKEN\"))",
        "-e", "(.println System/err (System/getenv \"ORDERS_LICENCE\"))",
        // Split between two flushes, so it reaches twin in two chunks of output.
        "-e", "(let [s (System/getenv \"DEMO_API_TOKEN\")] (print (subs s 0 7)) (flush) (Thread/sleep 200)"
            + " (println (subs s 7)))",
        "-e", "(binding [*out* *err*] (let [s (System/getenv \"ORDERS_LICENCE\")] (print (subs s 0 5)) (flush)"
            + " (Thread/sleep 200) (println (subs s 5))))",
        // A URL password split between two flushes, in pieces that never appear whole in a form.
        "-e", "(do (print (str \"mysql://svc:\" \"shape-o\")) (flush) (Thread/sleep 200)"
            + " (println (str \"nly-\" \"77aa@db.internal\")))",
        "-e", "(throw (ex-info (str \"bad \" (System/getenv \"DB_URL\")) {}))"};
    List<String> outputs = new ArrayList<>();
    try (TwinCli twin = new TwinCli(tmp)) {
      TwinCli.Result dry = twin.run("launch", profile.toString(), "--dry-run");
      assertThat(dry.exitCode()).as(dry.toString()).isZero();
      outputs.add(dry.toString());
      outputs.add(twin.run("profiles", "show", profile.toString()).toString());
      TwinCli.Result invalid = twin.run("profiles", "validate", broken.toString());
      assertThat(invalid.exitCode()).as(invalid.toString()).isEqualTo(2);
      assertThat(invalid.stderr()).as(invalid.toString()).contains(broken + ":4:16: error: ", "DB_PASSWORD: ***");
      outputs.add(invalid.toString());
      TwinCli.Result fg = twin.run(concat(new String[] {"launch", profile.toString(), "--keep-files"}, forms));
      assertThat(fg.exitCode()).as(fg.toString()).isEqualTo(1);
      assertThat(fg.stdout()).contains("***");
      assertThat(fg.stderr()).as("where --keep-files kept them").contains("twin: kept the twin's private files in ");
      outputs.add(fg.toString());

      TwinCli.Result detached = twin.run("launch", profile.toString(), "--detach", "--reason", "pasted " + TOKEN + " \u001b[2J");
      assertThat(detached.exitCode()).as(detached.toString()).isZero();
      String id = detached.stdout().strip();
      List<String> evalArgs = new ArrayList<>(List.of("eval", id));
      for (int i = 1; i < forms.length; i += 2) {
        evalArgs.add(forms[i]);
      }
      outputs.add(twin.run(evalArgs.toArray(String[]::new)).toString());
      outputs.add(twin.run("eval", "--json", id, "(System/getenv \"DB_URL\")").toString());
      outputs.add(twin.run("audit", "show").toString());
      TwinCli.Result ps = twin.run("ps", "--json");
      assertThat(ps.stdout()).as(ps.toString()).contains("pasted ***");
      outputs.add(ps.toString());
      TwinCli.Result psText = twin.run("ps");
      assertThat(psText.stdout()).as("a reason reaches no terminal raw").contains("pasted *** \\x1b[2J")
          .doesNotContain("\u001b");
      outputs.add(psText.toString());
      // The reason is on the supervisor's command line, which every user of the host can read.
      for (String line : ps.stdoutLines()) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"supervisor-pid\":\"?(\\d+)").matcher(line);
        assertThat(m.find()).as(line).isTrue();
        outputs.add(Host.cmdline(Long.parseLong(m.group(1))));
      }
      twin.run("stop", id);
    }
    for (String out : outputs) {
      for (String secret : SECRETS) {
        assertThat(out).as("command output").doesNotContain(secret);
      }
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(tmp)) {
      files = walk.filter(Files::isRegularFile).filter(p -> !p.startsWith(tmp.resolve("profiles"))).toList();
    }
    assertThat(files).as("files the run left").anyMatch(p -> p.toString().endsWith(".jsonl"));
    for (Path f : files) {
      String text;
      try {
        text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
      } catch (java.nio.file.NoSuchFileException goneMeanwhile) {
        continue; // a background archive's temporary file, renamed while we walked
      }
      for (String secret : SECRETS) {
        assertThat(text).as(f.toString()).doesNotContain(secret);
      }
    }
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = new String[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

}
