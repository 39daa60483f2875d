package twin.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import twin.profile.Database;
import twin.profile.Profile;
import twin.secret.Redactor;

class DatabaseConfigTest {
  private static Profile profile(Map<String, Database> databases) {
    return new Profile(Path.of("/etc/twin/profiles/orders.yaml"), "orders", null, null, List.of("a.jar"), null, null,
        List.of(), List.of(), Map.of(), List.of(), null, null, Map.of(), null, databases);
  }

  @Test
  void writesTheDatabasesAsWrittenWithWhoLaunchedAndWhetherWritesAreAllowed() throws Exception {
    Map<String, Database> dbs = new LinkedHashMap<>();
    dbs.put("main", new Database("main", "jdbc:postgresql://${DB_HOST}/orders", "${DB_USER}", "lit=eral:#pw", "sandbox",
        "30s", null, 100, null, "reader", "${READER_PW}", null));
    dbs.put("code", Database.ofForm("code", "(orders.db/pool)"));
    String text = DatabaseConfig.render(profile(dbs), "alice", true);
    assertThat(text).doesNotStartWith("#");
    Properties p = new Properties();
    p.load(new StringReader(text));
    assertThat(p).containsEntry("profile", "orders").containsEntry("os-user", "alice")
        .containsEntry("allow-writes", "true").containsEntry("databases", "main,code")
        .containsEntry("db.main.url", "jdbc:postgresql://${DB_HOST}/orders")
        .containsEntry("db.main.password", "lit=eral:#pw").containsEntry("db.main.mode", "sandbox")
        .containsEntry("db.main.max-rows", "100").containsEntry("db.main.read-only.user", "reader")
        .containsEntry("db.main.read-only.password", "${READER_PW}")
        .containsEntry("db.code.datasource", "(orders.db/pool)").doesNotContainKey("db.main.fetch-size");
    assertThat(DatabaseConfig.render(profile(Map.of()), "alice", false)).isNull();
  }

  @Test
  void anyValueReadsBackAsWritten() throws Exception {
    String odd = "  lead\ttab\nline\rcr\fff\\back=eq:colon#hash!bang ünï 😀 trail ";
    Map<String, Database> dbs = new LinkedHashMap<>();
    dbs.put("main", new Database("main", "jdbc:x:" + odd, odd, odd, "read-only", null, null, null, null, null, null, null));
    String text = DatabaseConfig.render(profile(dbs), " ali ce=:#!", false);
    Properties p = new Properties();
    p.load(new StringReader(text));
    assertThat(p).containsEntry("db.main.url", "jdbc:x:" + odd).containsEntry("db.main.user", odd)
        .containsEntry("db.main.password", odd).containsEntry("os-user", " ali ce=:#!").hasSize(8);
    assertThat(text.lines()).as("one line per entry, in order").hasSize(8).isSorted();
  }

  @Test
  void dryRunLinesMaskLiteralPasswordsAndKeepVariableNames() {
    Map<String, Database> dbs = new LinkedHashMap<>();
    dbs.put("main", new Database("main", "jdbc:postgresql://u:urlpw99@h/db", "u", "literal-pw", "read-only", null,
        null, null, null, null, null, null));
    dbs.put("env", new Database("env", "jdbc:postgresql://h/db", "u", "${DB_PASSWORD}", "read-only", null, null, null,
        null, "r", "${R}", null));
    Profile p = profile(dbs);
    Redactor r = new Redactor(Map.of()).plus(DatabaseConfig.literalSecrets(p));
    assertThat(DatabaseConfig.describe(p, r)).containsExactly(
        "main: jdbc:postgresql://u:***@h/db user u password *** mode read-only",
        "env: jdbc:postgresql://h/db user u password ${DB_PASSWORD} mode read-only read-only user r");
    assertThat(r.redact("said literal-pw")).isEqualTo("said ***");
  }
}
