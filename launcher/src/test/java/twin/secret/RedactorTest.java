package twin.secret;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class RedactorTest {

  @ParameterizedTest
  @ValueSource(strings = {"DB_PASSWORD", "db_password", "MYSQL_PASSWD", "DB_PWD", "PWD_DB",
      "CLIENT_SECRET", "GITHUB_TOKEN", "API_KEY", "APIKEY", "AWS_ACCESS_KEY_ID", "KEYSTORE_PASS",
      "DB_PASS", "GOOGLE_APPLICATION_CREDENTIALS", "SENTRY_DSN", "SSH_PRIVATE_KEY",
      "BASIC_AUTH", "AUTH_HEADER", "HTTP_AUTHORIZATION", "db.password", "api-token",
      "GPG_PASSPHRASE"})
  void secretNames(String name) {
    assertThat(Redactor.isSecretName(name)).as(name).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"PWD", "OLDPWD", "HOME", "PATH", "DB__SERVER_NAME", "PASSPORT_OFFICE",
      "AUTHOR", "JAVA_HOME", "USER", "LANG", ""})
  void ordinaryNames(String name) {
    assertThat(Redactor.isSecretName(name)).as(name).isFalse();
  }

  @Test
  void extraNamesMarkMoreVariablesAsSecret() {
    Redactor r = new Redactor(Map.of("ORDERS_SIGNING_SALT", "pepper-and-salt"), List.of("salt"));
    assertThat(r.isSecret("ORDERS_SIGNING_SALT")).isTrue();
    assertThat(Redactor.isSecretName("ORDERS_SIGNING_SALT")).isFalse();
    assertThat(r.redact("salt is pepper-and-salt")).isEqualTo("salt is ***");
  }

  @Test
  void masksUrlPasswords() {
    assertThat(Redactor.maskUrlPasswords("postgres://orders:s3cr3t@db:5432/orders"))
        .isEqualTo("postgres://orders:***@db:5432/orders");
    assertThat(Redactor.maskUrlPasswords("jdbc:postgresql://u:p%40ss@db/x and https://a:b@c/"))
        .isEqualTo("jdbc:postgresql://u:***@db/x and https://a:***@c/");
    assertThat(Redactor.maskUrlPasswords("jdbc:mysql://db/x?user=u&password=hunter2&ssl=true"))
        .isEqualTo("jdbc:mysql://db/x?user=u&password=***&ssl=true");
    assertThat(Redactor.maskUrlPasswords("jdbc:sqlserver://db;user=u;Password=hunter2;db=x"))
        .isEqualTo("jdbc:sqlserver://db;user=u;Password=***;db=x");
    assertThat(Redactor.maskUrlPasswords("Server=db;PWD=hunter2"))
        .isEqualTo("Server=db;PWD=***");
  }

  @Test
  void leavesUrlsWithoutPasswordsAlone() {
    for (String s : List.of("https://example.com:8443/path@v2", "http://user@host/",
        "host:5432", "see https://a.b/c?x=1&y=2", "-Dfoo=bar", "")) {
      assertThat(Redactor.maskUrlPasswords(s)).isEqualTo(s);
    }
    assertThat(Redactor.maskUrlPasswords(null)).isNull();
  }

  @Test
  void masksKnownSecretValuesAnywhereInText() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("DB_PASSWORD", "hunter2-long");
    env.put("API_TOKEN", "tok_abc123");
    env.put("SHORT_KEY", "abc");
    env.put("DB_URL", "postgres://orders:urlpass99@db/orders");
    env.put("HOME", "/home/orders");
    Redactor r = new Redactor(env);
    assertThat(r.redact("connecting with hunter2-long and tok_abc123!"))
        .isEqualTo("connecting with *** and ***!");
    assertThat(r.redact("password was urlpass99 in the log")).isEqualTo("password was *** in the log");
    assertThat(r.redact("abc is too short to mask")).isEqualTo("abc is too short to mask");
    assertThat(r.redact("home is /home/orders")).isEqualTo("home is /home/orders");
    assertThat(r.redact("mysql://x:other@y")).isEqualTo("mysql://x:***@y");
  }

  @Test
  void masksTheLongestSecretFirst() {
    Redactor r = new Redactor(Map.of("A_SECRET", "abcd", "B_SECRET", "abcdefgh"));
    assertThat(r.redact("abcdefgh abcd")).isEqualTo("*** ***");
  }

  @Test
  void redactsValuesByName() {
    Redactor r = new Redactor(Map.of("DB_PASSWORD", "hunter22"));
    assertThat(r.redactValue("DB_PASSWORD", "anything")).isEqualTo("***");
    assertThat(r.redactValue("GREETING", "hello hunter22")).isEqualTo("hello ***");
    assertThat(r.redactValue("DB_URL", "pg://u:pw@h/")).isEqualTo("pg://u:***@h/");
    assertThat(r.redactValue("X", null)).isNull();
  }

  @Test
  void redactsAWholeEnvironmentKeepingItsOrder() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("Z_TOKEN", "zzzzzz");
    env.put("A", "uses zzzzzz");
    env.put("M", "plain");
    Redactor r = new Redactor(env);
    assertThat(r.redactEnv(env)).containsExactly(
        Map.entry("Z_TOKEN", "***"), Map.entry("A", "uses ***"), Map.entry("M", "plain"));
  }

  @Test
  void redactsSecretOptions() {
    Redactor r = Redactor.none();
    assertThat(r.redactArg("-Djavax.net.ssl.keyStorePassword=changeit"))
        .isEqualTo("-Djavax.net.ssl.keyStorePassword=***");
    assertThat(r.redactArg("--db-password=x")).isEqualTo("--db-password=***");
    assertThat(r.redactArg("-Duser.timezone=UTC")).isEqualTo("-Duser.timezone=UTC");
    assertThat(r.redactArg("-Ddb.url=pg://u:p@h/")).isEqualTo("-Ddb.url=pg://u:***@h/");
    assertThat(r.redactArg("-Xmx1g")).isEqualTo("-Xmx1g");
  }

  @Test
  void plusAddsSecretsFromAnotherEnvironment() {
    Redactor r = new Redactor(Map.of("A_TOKEN", "first-token"))
        .plus(Map.of("B_SECRET", "second-secret"));
    assertThat(r.redact("first-token second-secret")).isEqualTo("*** ***");
  }

  @Test
  void noneMasksOnlyUrlPasswords() {
    assertThat(Redactor.none().redact("pg://u:pw@h hunter2")).isEqualTo("pg://u:***@h hunter2");
  }

  @Test
  void aSecretSplitBetweenChunksIsMaskedAndNothingElseIsHeldBack() {
    Redactor r = new Redactor(Map.of("DB_PASSWORD", "hunter2-long-secret"));
    Redactor.Stream s = r.stream();
    StringBuilder seen = new StringBuilder();
    seen.append(s.feed("progress ... pass=hunt"));
    assertThat(seen.toString()).as("only the tail that may start the secret is held").isEqualTo("progress ... pass=");
    seen.append(s.feed("er2-long-se"));
    seen.append(s.feed("cret and more\n"));
    seen.append(s.flush());
    assertThat(seen.toString()).isEqualTo("progress ... pass=*** and more\n");

    Redactor.Stream dots = r.stream();
    assertThat(dots.feed(".")).as("output that cannot start a secret passes at once").isEqualTo(".");
    assertThat(dots.feed("..")).isEqualTo("..");
    assertThat(dots.holds()).isFalse();
  }

  @Test
  void everySplitPointOfEverySecretIsMasked() {
    String secret = "s3cr3t-value-9f2";
    Redactor r = new Redactor(Map.of("API_TOKEN", secret, "OTHER_KEY", "s3cr3t-other"));
    String text = "a=" + secret + ";b=" + secret + secret + ";c=s3cr3t-other;d=s3cr3t-;e=end";
    for (int i = 0; i <= text.length(); i++) {
      for (int j = i; j <= text.length(); j++) {
        Redactor.Stream s = r.stream();
        String joined = s.feed(text.substring(0, i)) + s.feed(text.substring(i, j)) + s.feed(text.substring(j))
            + s.flush();
        assertThat(joined).as("split at %d and %d", i, j).isEqualTo("a=***;b=******;c=***;d=s3cr3t-;e=end");
      }
    }
  }

  @Test
  void secretsKnownByShapeAreMaskedAtEverySplitPoint() {
    // No known values: only the URL and parameter patterns can find these passwords.
    String text = "db postgres://app:pw-9x1@db:5432/orders ok\njdbc:x://h/db?user=a&password=hunter9&ssl=1\n"
        + "conn;PWD=Zq8x;Server=s url=redis://:tok3n@cache:6379\n";
    String expected = "db postgres://app:***@db:5432/orders ok\njdbc:x://h/db?user=a&password=***&ssl=1\n"
        + "conn;PWD=***;Server=s url=redis://:***@cache:6379\n";
    assertThat(Redactor.none().redact(text)).isEqualTo(expected);
    for (int i = 0; i <= text.length(); i++) {
      for (int j = i; j <= text.length(); j++) {
        Redactor.Stream s = Redactor.none().stream();
        String joined = s.feed(text.substring(0, i)) + s.feed(text.substring(i, j)) + s.feed(text.substring(j))
            + s.flush();
        assertThat(joined).as("split at %d and %d", i, j).isEqualTo(expected);
      }
    }
  }

  @Test
  void onlyAWordThatMayBeAPasswordInProgressIsHeld() {
    Redactor.Stream s = Redactor.none().stream();
    assertThat(s.feed("progress 10% ")).isEqualTo("progress 10% ");
    assertThat(s.feed("connecting to postgres://app:pw")).isEqualTo("connecting to ");
    assertThat(s.feed("@db ok ")).isEqualTo("postgres://app:***@db ok ");
    assertThat(s.feed("then ?pass")).isEqualTo("then ");
    assertThat(s.feed("word=x1y2 done\n")).isEqualTo("?password=*** done\n");
    assertThat(s.holds()).isFalse();
    String longWord = "x".repeat(Redactor.MAX_HELD_WORD + 1) + "://";
    assertThat(s.feed(longWord)).as("a word too long to be a credential is not held").isEqualTo(longWord);
  }

  @Test
  void aPasswordParameterEndsAtAQuoteCommaOrBracketSoTheRestSurvives() {
    assertThat(Redactor.maskUrlPasswords("x,see password=abc,tail")).isEqualTo("x,see password=***,tail");
    assertThat(Redactor.maskUrlPasswords("{:url \"jdbc:x://h/db?password=abc\"}"))
        .isEqualTo("{:url \"jdbc:x://h/db?password=***\"}");
    assertThat(Redactor.maskUrlPasswords("(connect \"password=abc\")")).isEqualTo("(connect \"password=***\")");
    assertThat(Redactor.maskUrlPasswords("{\"b\":\"see password=abc\",\"c\":\"tail\"}"))
        .isEqualTo("{\"b\":\"see password=***\",\"c\":\"tail\"}");
  }

  @Test
  void aDottedOrJoinedPasswordPropertyIsAParameterToo() {
    assertThat(Redactor.maskUrlPasswords("x.password=def456 and password=abc123"))
        .isEqualTo("x.password=*** and password=***");
    assertThat(Redactor.maskUrlPasswords("spring.datasource.password=s3cr3t\nDB_PASSWORD=pw1\n"))
        .isEqualTo("spring.datasource.password=***\nDB_PASSWORD=***\n");
    assertThat(Redactor.maskUrlPasswords("passwords=3 compassion=kind")).isEqualTo("passwords=3 compassion=kind");
    Redactor.Stream s = Redactor.none().stream();
    assertThat(s.feed("props: db.pass")).isEqualTo("props: ");
    assertThat(s.feed("word=hunter22 end\n")).isEqualTo("db.password=*** end\n");
  }

  @Test
  void secretNamedOptionsAndOptionsInVariablesAreSecretValues() {
    Redactor r = new Redactor(Map.of("JAVA_TOOL_OPTIONS", "-Xmx1g -Dapi.key=sk-live-abcdef -Dport=8080"))
        .plusArgs(List.of("-Dspring.datasource.password=s3cr3tJvmOpt", "-Dserver.port=8080",
            "-Ddb.url=jdbc:postgresql://app:urlpw99@db/orders", "--api-token=tok-123456", "--name=orders"));
    assertThat(r.redact("\"s3cr3tJvmOpt\" \"sk-live-abcdef\" urlpw99 tok-123456"))
        .isEqualTo("\"***\" \"***\" *** ***");
    assertThat(r.redact("8080 orders -Xmx1g")).isEqualTo("8080 orders -Xmx1g");
  }

  @Test
  void aSecretNamedOptionAloneMakesTheNextArgumentASecret() {
    List<String> args = List.of("--db-password", "argpw-exB-456", "--port", "8080", "--password", "--verbose",
        "-Dx=1", "--api-key=k-9876543");
    assertThat(Redactor.none().redactArgs(args)).containsExactly("--db-password", "***", "--port", "8080",
        "--password", "--verbose", "-Dx=1", "--api-key=***");
    Redactor r = Redactor.none().plusArgs(args);
    assertThat(r.redact("pw argpw-exB-456 port 8080 --verbose k-9876543")).isEqualTo("pw *** port 8080 --verbose ***");
  }

  @Test
  void aJsonMemberNamedAsASecretIsASecretValue() {
    Redactor r = new Redactor(Map.of("SPRING_APPLICATION_JSON",
        "{\"spring.datasource.password\": \"json-exB-pw\", \"server\": {\"port\": \"8080\", \"apiToken\":\"tk-42424\"}}"));
    assertThat(r.redact("json-exB-pw 8080 tk-42424")).isEqualTo("*** 8080 ***");
  }

  @Test
  void aBooleanInASecretNamedVariableIsNoSecretToHideEverywhere() {
    Redactor r = new Redactor(Map.of("API_KEY", "true", "FEATURE_TOKEN_ENABLED", "false", "DB_PASSWORD", "hunter22"));
    assertThat(r.redact("true false hunter22")).isEqualTo("true false ***");
    assertThat(r.redactValue("API_KEY", "true")).isEqualTo("***");
  }
}
