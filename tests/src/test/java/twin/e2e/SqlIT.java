package twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Investigative SQL against a real PostgreSQL: read-only by default, read-only credentials, the
 * sandbox, timeouts, streaming a million rows at a 64m heap byte for byte as psql, and one-line
 * errors. One throwaway cluster and one detached twin serve the whole class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SqlIT {
  static final String STREAM_QUERY = "select i, i % 3 = 0 as flag, case when i % 5 = 0 then null "
      + "else 'v,\"' || i end as text, md5(i::text) as hash from generate_series(1, 1000000) i";

  Path temp;
  Postgres pg;
  TwinCli twin;
  Path profile;
  String id;

  @BeforeAll
  void setUp(@TempDir Path dir) {
    temp = dir;
    pg = Postgres.start();
    pg.execute("CREATE TABLE items (id int PRIMARY KEY, name text)",
        "INSERT INTO items VALUES (1, 'first'), (2, 'second, with a comma'), (3, NULL)",
        "GRANT SELECT ON items TO " + Postgres.READER);
    twin = new TwinCli(temp);
    profile = pgProfile("sql-e2e", true);
    id = DetachedSupport.detach(twin, profile.toString()).id();
  }

  @AfterAll
  void tearDown() {
    if (twin != null) {
      twin.run("stop", "--all");
      twin.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  /** A profile of the demo service plus pgjdbc (by twin.extra-classpath), with databases on the test cluster. */
  Path pgProfile(String name, boolean withDriver) {
    int closedPort = Host.freePort();
    String url = pg.url();
    String yaml = "name: " + name + "\n"
        + "java: java\n"
        + "workdir: " + Fixtures.q(Fixtures.demoDir()) + "\n"
        + "jar: target/demo-service.jar\n"
        + "env:\n"
        + "  PG_PASSWORD: " + Fixtures.q(pg.adminPassword) + "\n"
        + "  PG_READER_PASSWORD: " + Fixtures.q(pg.readerPassword) + "\n"
        + "twin:\n"
        + "  heap: 64m\n"
        + (withDriver ? "  extra-classpath: [" + Fixtures.q(Postgres.driverJar()) + "]\n" : "")
        + "databases:\n"
        + "  main:\n"
        + "    url: " + url + "\n"
        + "    user: " + Postgres.ADMIN + "\n"
        + "    password: ${PG_PASSWORD}\n"
        + "    statement-timeout: 2s\n"
        + "  export:\n"
        + "    url: " + url + "\n"
        + "    user: " + Postgres.ADMIN + "\n"
        + "    password: ${PG_PASSWORD}\n"
        + "    statement-timeout: 120s\n"
        + "  guarded:\n"
        + "    url: " + url + "\n"
        + "    user: " + Postgres.ADMIN + "\n"
        + "    password: ${PG_PASSWORD}\n"
        + "    read-only: {user: " + Postgres.READER + ", password: \"${PG_READER_PASSWORD}\"}\n"
        + "  box:\n"
        + "    url: " + url + "\n"
        + "    user: " + Postgres.ADMIN + "\n"
        + "    password: ${PG_PASSWORD}\n"
        + "    mode: sandbox\n"
        + "  rw:\n"
        + "    url: " + url + "\n"
        + "    user: " + Postgres.ADMIN + "\n"
        + "    password: ${PG_PASSWORD}\n"
        + "    mode: read-write\n"
        + "  badpw:\n"
        + "    url: " + url + "\n"
        + "    user: " + Postgres.ADMIN + "\n"
        + "    password: not-the-password\n"
        + "  down:\n"
        + "    url: jdbc:postgresql://127.0.0.1:" + closedPort + "/postgres\n"
        + "    user: " + Postgres.ADMIN + "\n"
        + "    password: ${PG_PASSWORD}\n";
    return Fixtures.writeProfile(temp.resolve("profiles-" + name), name, yaml);
  }

  long count(String where) {
    try (Connection c = pg.admin(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select count(*) from items " + where)) {
      rs.next();
      return rs.getLong(1);
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
  }

  /** Asserts a failed run printed exactly one line, {@code twin: error: ...}, and exited 1. */
  static void oneLineFailure(TwinCli.Result r, String contains) {
    assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
    assertThat(r.stderrLines()).as(r.describe()).hasSize(1);
    assertThat(r.stderrLines().get(0)).as(r.describe()).startsWith("twin: error: ").contains(contains);
    assertThat(r.stackTraceLines()).as(r.describe()).isEmpty();
  }

  @Test
  void readOnlyModeReadsAndRefusesEveryKindOfWrite() {
    TwinCli.Result r = twin.run("sql", id, "select id, name from items order by id");
    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.stdoutLines()).as(r.describe()).containsExactly(
        " id | name                ",
        "----+----------------------",
        " 1  | first               ",
        " 2  | second, with a comma",
        " 3  |                     ",
        "(3 rows)");

    for (String write : List.of("insert into items values (10, 'x')", "update items set name = 'x'",
        "delete from items", "create table other (x int)", "drop table items")) {
      TwinCli.Result w = twin.run("sql", id, write);
      oneLineFailure(w, "SQLSTATE 25006: cannot execute ");
      assertThat(w.stderr()).contains("in a read-only transaction");
    }
    assertThat(count("")).as("rows after the refused writes").isEqualTo(3);

    TwinCli.Result bang = twin.run("eval", id, "(sql! \"delete from items\")");
    assertThat(bang.exitCode()).as(bang.describe()).isEqualTo(1);
    assertThat(bang.stderr()).contains("sql! is refused: database 'main' is read-only");
    assertThat(count("")).isEqualTo(3);

    TwinCli.Result name = twin.run("sql", id, "--format", "csv",
        "select application_name, current_setting('default_transaction_read_only') ro, "
            + "current_setting('statement_timeout') st, current_setting('idle_in_transaction_session_timeout') it "
            + "from pg_stat_activity where pid = pg_backend_pid()");
    assertThat(name.stdoutLines()).as(name.describe())
        .containsExactly("application_name,ro,st,it", "twin:sql-e2e:" + System.getProperty("user.name") + ",on,2s,10min");
  }

  @Test
  void readOnlyCredentialsRefuseWritesEvenWhenTheSessionSettingsAreUndone() {
    TwinCli.Result r = twin.run("eval", id, "(with-db :guarded"
        + " (sql \"set default_transaction_read_only = off\")"
        + " (sql \"set transaction read write; insert into items values (99, 'sneaked')\"))");
    assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
    assertThat(r.stderr()).as(r.describe()).contains("SQLSTATE 42501: permission denied for table items");
    assertThat(count("where id = 99")).isZero();

    TwinCli.Result read = twin.run("sql", id, "--db", "guarded", "--format", "csv", "select current_user");
    assertThat(read.stdoutLines()).as(read.describe()).containsExactly("current_user", Postgres.READER);
  }

  @Test
  void sandboxWritesAreGoneAfterwardsAndItsLocksAreReleased() throws Exception {
    TwinCli.Result insert = twin.run("sql", id, "--db", "box", "insert into items values (50, 'sandboxed')");
    assertThat(insert.exitCode()).as(insert.describe()).isZero();
    assertThat(insert.stdout()).contains("1 row affected");
    assertThat(insert.stderr()).contains("is a sandbox").contains("row locks").contains("sequences");
    assertThat(count("where id = 50")).as("the sandbox's insert, seen from another connection").isZero();

    Path go = temp.resolve("go");
    Spawned held = twin.start("eval", id, "(with-db :box"
        + " (sql! \"update items set name = 'changed' where id = 1\")"
        + " (println \"updated\" (:name (first (sql \"select name from items where id = 1\"))))"
        + " (while (not (.exists (java.io.File. " + Fixtures.q(go) + "))) (Thread/sleep 50)))");
    String locks = "select count(*) from pg_locks l join pg_stat_activity a on a.pid = l.pid "
        + "where a.application_name like 'twin:sql-e2e:%' and l.locktype = 'transactionid' and l.granted";
    Host.await(Duration.ofSeconds(60), "the sandbox holds its transaction's lock", () -> scalar(locks) > 0,
        held::dump);
    assertThat(scalar("select count(*) from items where id = 1 and name = 'first'"))
        .as("the update is not visible outside the sandbox").isEqualTo(1);
    Files.writeString(go, "");
    TwinCli.Result done = held.await(Duration.ofSeconds(60));
    assertThat(done.exitCode()).as(done.describe()).isZero();
    assertThat(done.stdout()).as(done.describe()).contains("updated changed");
    Host.await(Duration.ofSeconds(10), "the sandbox's locks are released", () -> scalar(locks) == 0, held::dump);
    assertThat(scalar("select count(*) from items where id = 1 and name = 'first'")).isEqualTo(1);
  }

  long scalar(String sql) {
    try (Connection c = pg.admin(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void statementTimeoutCancelsASleep() {
    TwinCli.Result r = twin.run("sql", id, "select pg_sleep(30)");
    oneLineFailure(r, "SQLSTATE 57014: canceling statement due to statement timeout");
    // As csv --all the result is one COPY, so the timeout covers all of it; the error says so.
    oneLineFailure(twin.run("sql", id, "--format", "csv", "--all", "select pg_sleep(30)"),
        "SQLSTATE 57014: canceling statement due to statement timeout (statement-timeout 2000ms covers the whole of a "
            + "csv --all result; raise it with --statement-timeout, or for database 'main' in the profile)");
  }

  @Test
  void statementTimeoutOptionReplacesTheProfilesForOneQuery() {
    // The server's own setting, for a cursor and for a COPY (which a longer export needs).
    TwinCli.Result shown = twin.run("sql", id, "--statement-timeout", "5m", "--format", "csv",
        "select current_setting('statement_timeout') st");
    assertThat(shown.stdoutLines()).as(shown.describe()).containsExactly("st", "5min");
    TwinCli.Result slept = twin.run("sql", id, "--statement-timeout", "20s", "--format", "csv", "--all",
        "select current_setting('statement_timeout') st from pg_sleep(3)");
    assertThat(slept.exitCode()).as(slept.describe()).isZero();
    assertThat(slept.stdoutLines()).as(slept.describe()).containsExactly("st", "20s");
    // Only for that query: the next one has the profile's again, and so has a twin started for PROFILE.
    TwinCli.Result after = twin.run("sql", id, "--format", "csv", "select current_setting('statement_timeout') st");
    assertThat(after.stdoutLines()).as(after.describe()).containsExactly("st", "2s");
    TwinCli.Result fresh = twin.run("sql", profile.toString(), "--statement-timeout", "90s", "--format", "json",
        "select current_setting('statement_timeout') st");
    assertThat(fresh.stdoutLines()).as(fresh.describe()).containsExactly("[", "{\"st\":\"90s\"}", "]");
    // A lower one cancels sooner.
    oneLineFailure(twin.run("sql", id, "--statement-timeout", "1s", "select pg_sleep(1.5)"),
        "SQLSTATE 57014: canceling statement due to statement timeout");

    // As a profile writes it: milliseconds too.
    TwinCli.Result ms = twin.run("sql", id, "--statement-timeout", "1500ms", "--format", "csv",
        "select current_setting('statement_timeout') st");
    assertThat(ms.stdoutLines()).as(ms.describe()).containsExactly("st", "1500ms");
    for (String bad : List.of("0s", "25h", "2d", "soon", "-5s")) {
      TwinCli.Result usage = twin.run("sql", id, "--statement-timeout", bad, "select 1");
      assertThat(usage.exitCode()).as(usage.describe()).isEqualTo(2);
      assertThat(usage.stderrLines()).as(usage.describe()).containsExactly("twin: error: --statement-timeout takes a "
          + "duration such as 500ms, 90s, 10m or 2h, at most 24h; not '" + bad + "'");
    }
  }

  @Test
  void csvOfAMillionRowsEqualsPsqlAtA64mHeap() throws Exception {
    TwinCli.Result r = twin.run(Duration.ofSeconds(240), null, "sql", id, "--db", "export", "--format", "csv", "--all",
        STREAM_QUERY);
    assertThat(r.exitCode()).as("exit code; stderr: %s", r.stderr()).isZero();
    byte[] ours = r.stdout().getBytes(StandardCharsets.UTF_8);
    byte[] psql = pg.psql("--csv", "-c", STREAM_QUERY);
    assertThat(r.stdout().lines().count()).isEqualTo(1_000_001);
    assertThat(sha256(ours)).as("sha-256 of twin sql --format csv vs psql --csv").isEqualTo(sha256(psql));
    String cmd = Host.cmdline(twinPid());
    assertThat(cmd).as("the twin's heap").contains("-Xmx64m");
  }

  /**
   * Values whose CSV differs most between printers: empty strings and NULL, quotes, separators,
   * line breaks, a lone \. (as one column and as one of several), and types the server prints.
   * No backslash in a literal: such a statement is not wrapped in COPY.
   */
  static final List<String> TRICKY = List.of("select * from (values (1, '', null::text, chr(92) || '.', 'a,b', 'q\"q', "
      + "'l1' || chr(10) || 'l2', 'cr' || chr(13) || 'x', ' sp ', 'ünï 😀', '{1,2}'::int[], 1.50::numeric, 'NaN'::float8, "
      + "1e300::float8, 0.1::float4, '2020-01-02 03:04:05+00'::timestamptz, decode('00ff', 'hex'), '{\"a\": [1, 2]}'::jsonb, "
      + "true, interval '1 day 2 hours', '\"'), (2, 'x', 'y', chr(92) || '.x', '', '', '', '', '', '', null, null, null, null, "
      + "null, null, null, null, false, null, '\"\"')) t(id, \"e\"\"mpty\", \"n,ull\", dot, comma, quote, nl, cr, sp, uni, "
      + "arr, num, nan, big, f4, ts, by, js, b, iv, dq)",
      "select chr(92) || '.' as \"only\" union all select '' union all select null union all select ',' order by 1");

  @Test
  void csvOfAWholeResultIsTheServersCopyAndStillPsqlsBytes() throws Exception {
    // --all as csv streams through COPY ... TO STDOUT; the server's own query text shows which way ran.
    String self = "select query from pg_stat_activity where pid = pg_backend_pid()";
    TwinCli.Result copied = twin.run("sql", id, "--format", "csv", "--all", self);
    assertThat(copied.exitCode()).as(copied.describe()).isZero();
    assertThat(copied.stdout()).isEqualTo("query\n\"COPY (" + self + "\n) TO STDOUT (FORMAT csv, HEADER)\"\n");
    TwinCli.Result limited = twin.run("sql", id, "--format", "csv", self);
    assertThat(limited.stdout()).as(limited.describe()).isEqualTo("query\n" + self + "\n");

    pg.execute("ALTER SYSTEM SET log_statement = 'all'", "SELECT pg_reload_conf()");
    try {
      for (String target : List.of(id, profile.toString())) {
        for (String query : TRICKY) {
          TwinCli.Result r = twin.run("sql", target, "--format", "csv", "--all", query);
          assertThat(r.exitCode()).as(r.describe()).isZero();
          assertThat(r.stdout()).as("twin sql %s --format csv --all vs psql --csv: %s", target, query)
              .isEqualTo(new String(pg.psql("--csv", "-c", query), StandardCharsets.UTF_8));
          // The server's log starts each continued line of a statement with a tab.
          assertThat(pg.log().replace("\n\t", "\n")).as("the server's log").contains("statement: COPY (" + query + "\n) TO STDOUT (FORMAT csv, HEADER)");
        }
      }
    } finally {
      pg.execute("ALTER SYSTEM RESET log_statement", "SELECT pg_reload_conf()");
    }
    // A statement COPY refuses, or one not wrapped at all, runs the usual way.
    TwinCli.Result into = twin.run("sql", id, "--db", "box", "--format", "csv", "--all", "select 1 as one into temp copied");
    assertThat(into.exitCode()).as(into.describe()).isZero();
    assertThat(into.stderrLines()).last().isEqualTo("twin: 1 row affected");
    TwinCli.Result explain = twin.run("sql", id, "--format", "csv", "--all", "explain select 1");
    assertThat(explain.exitCode()).as(explain.describe()).isZero();
    assertThat(explain.stdout()).startsWith("QUERY PLAN\nResult  (cost=");
    // Read-only holds through COPY, and an error mid-stream comes after the rows before it.
    oneLineFailure(twin.run("sql", id, "--format", "csv", "--all", "with d as (delete from items returning *) select * from d"),
        "SQLSTATE 25006: cannot execute");
    assertThat(count("")).isEqualTo(3);
    TwinCli.Result broken = twin.run("sql", id, "--format", "csv", "--all", "select 10 / (3 - i) as q from generate_series(1, 5) i");
    oneLineFailure(broken, "SQLSTATE 22012: division by zero");
    assertThat(broken.stdout()).isEqualTo("q\n5\n10\n");
  }

  @Test
  void ctrlCOfTwinSqlCancelsTheStatementOnTheServer() throws Exception {
    for (String rows : List.of("--all", "--max-rows=5")) {
      String sleep = "select pg_sleep(60) as slept_" + rows.replaceAll("\\W", "");
      Spawned s = twin.spawn(Fixtures.repo(), Map.of(), Fixtures.twinScript().toString(), "sql", id, "--format", "csv", rows, sleep);
      String running = "select count(*) from pg_stat_activity where query like '%" + sleep + "%' and state = 'active' "
          + "and pid <> pg_backend_pid()";
      Host.await(Duration.ofSeconds(60), "the statement runs on the server", () -> scalar(running) == 1, s::dump);
      new ProcessBuilder("kill", "-INT", Long.toString(s.pid())).inheritIO().start().waitFor();
      TwinCli.Result r = s.await(Duration.ofSeconds(20));
      oneLineFailure(r, "interrupted: the statement was cancelled (SQLSTATE 57014: canceling statement due to user request)");
      assertThat(scalar(running)).as("nothing left running on the server (%s)", rows).isZero();
    }
  }

  long twinPid() {
    List<Long> pids = Host.twinPids(twin.runtimeDir());
    assertThat(pids).as("the detached twin's JVM").hasSize(1);
    return pids.get(0);
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void badInputGivesOneLineEach() {
    oneLineFailure(twin.run("sql", id, "selec 1"), "SQLSTATE 42601: syntax error at or near \"selec\"");
    oneLineFailure(twin.run("sql", id, "--db", "badpw", "select 1"),
        "cannot connect to database 'badpw': SQLSTATE 28P01: password authentication failed");
    oneLineFailure(twin.run("sql", id, "--db", "down", "select 1"),
        "cannot connect to database 'down': SQLSTATE 08001: Connection to 127.0.0.1:");
    oneLineFailure(twin.run("sql", id, "--db", "nope", "select 1"), "no database 'nope' in profile sql-e2e");
    // For a profile, a wrong --db is a usage error found before any twin starts.
    TwinCli.Result nope = twin.run("sql", profile.toString(), "--db", "nope", "select 1");
    assertThat(nope.exitCode()).as(nope.describe()).isEqualTo(2);
    assertThat(nope.stderrLines()).as(nope.describe()).hasSize(1);
    assertThat(nope.stderrLines().get(0)).as(nope.describe())
        .startsWith("twin: error: no database 'nope' in profile sql-e2e; it has: main, export, guarded, box, rw, badpw, down");
    TwinCli.Result rw = twin.run("sql", id, "--db", "rw", "select 1");
    oneLineFailure(rw, "database 'rw' is read-write, but this twin was launched without --allow-writes");

    Path noDriver = pgProfile("no-driver", false);
    oneLineFailure(twin.run("sql", noDriver.toString(), "select 1"),
        "no JDBC driver for jdbc:postgresql: URLs on the twin's classpath (org.postgresql.Driver); "
            + "add the driver's jar with twin.extra-classpath in the profile");
  }

  @Test
  void readWriteNeedsAllowWritesAndThenCommits() {
    TwinCli.Result r = twin.run("sql", profile.toString(), "--db", "rw", "--allow-writes",
        "insert into items values (70, 'written')");
    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(count("where id = 70")).isEqualTo(1);
    pg.execute("delete from items where id = 70");
  }

  @Test
  void passwordsNeverShowAndTheQueryIsInTheTranscript() throws Exception {
    TwinCli.Result dry = twin.run("launch", profile.toString(), "--dry-run");
    assertThat(dry.exitCode()).as(dry.describe()).isZero();
    assertThat(dry.stdout()).contains("databases (resolved inside the twin")
        .contains("badpw: " + pg.url() + " user " + Postgres.ADMIN + " password ***")
        .contains("password ${PG_PASSWORD}")
        .doesNotContain("not-the-password").doesNotContain(pg.adminPassword).doesNotContain(pg.readerPassword);

    // Rows that hold a secret of the twin's environment, or a URL with a password, in every format,
    // from a running twin and from one started for the profile: the client prints rows as they
    // come, so what masks them is the supervisor's recorder, before any client sees them.
    String leaky = "select '" + pg.adminPassword + "' as pw, 'postgres://app:hunter2-" + System.nanoTime()
        + "@db.internal/orders' as url from generate_series(1, 3000)";
    for (String target : List.of(id, profile.toString())) {
      for (String format : List.of("csv", "table", "json")) {
        TwinCli.Result r = twin.run("sql", target, "--format", format, "--all", leaky);
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.stdout()).as(target + " " + format).doesNotContain(pg.adminPassword).doesNotContain("hunter2")
            .contains("postgres://app:***@db.internal/orders");
        assertThat(r.stdout().split("\\*\\*\\*", -1)).as("every row masked").hasSizeGreaterThan(6000);
      }
    }

    String marker = "select 'transcribed-" + System.nanoTime() + "' as marker";
    assertThat(twin.run("sql", id, marker).exitCode()).isZero();
    try (var files = Files.walk(temp.resolve("state"))) {
      String all = String.join("\n", files.filter(Files::isRegularFile).map(f -> {
        try {
          return Files.readString(f);
        } catch (java.io.IOException e) {
          return "";
        }
      }).toList());
      assertThat(all).as("transcripts").contains(marker)
          .doesNotContain(pg.adminPassword).doesNotContain("not-the-password");
    }
  }

  @Test
  void pipesThatCloseEarlyAreNotAnError() throws Exception {
    Spawned s = twin.spawn(Fixtures.repo(), Map.of(), "bash", "-o", "pipefail", "-c",
        Fixtures.twinScript() + " sql " + id + " --format csv --all 'select i from generate_series(1, 1000000) i' | head -3");
    TwinCli.Result r = s.await(Duration.ofSeconds(120));
    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.stdoutLines()).containsExactly("i", "1", "2");
    assertThat(r.stackTraceLines()).as(r.describe()).isEmpty();
  }

  @Test
  void ctrlCInTheReplCancelsARunningQuery() {
    Tmux tmux = new Tmux(temp.resolve("ctrl-c"), twin.environment());
    try {
      tmux.requireInstalled();
      tmux.newSession(Fixtures.repo(), Fixtures.twinScript() + " attach " + id);
      Host.await(Duration.ofSeconds(60), "the prompt", () -> tmux.screen().contains("user=> "), tmux::screen);
      tmux.type("(sql \"select pg_sleep(60)\")");
      tmux.keys("Enter");
      String running = "select count(*) from pg_stat_activity where query = 'select pg_sleep(60)' and state = 'active'";
      Host.await(Duration.ofSeconds(30), "the query runs on the server", () -> scalar(running) == 1, tmux::screen);
      tmux.keys("C-c");
      Host.await(Duration.ofSeconds(10), "the statement is cancelled",
          () -> tmux.screen().contains("interrupted: the statement was cancelled"), tmux::screen);
      assertThat(tmux.screen()).contains("SQLSTATE 57014: canceling statement due to user request");
      assertThat(scalar(running)).as("nothing left running on the server").isZero();
      tmux.type("(sql \"select 40 + 2 as answer\")");
      tmux.keys("Enter");
      Host.await(Duration.ofSeconds(30), "the session still works", () -> tmux.screen().contains(" 42"), tmux::screen);
    } finally {
      tmux.killServer();
    }
  }

  @Test
  void aFileOfStatementsAsJsonAndRowLimits() throws Exception {
    Path file = temp.resolve("two.sql");
    Files.writeString(file, "select id from items where id = 1;\nselect name from items where id = 2;\n");
    TwinCli.Result json = twin.run("sql", id, "-f", file.toString(), "--format", "json");
    assertThat(json.exitCode()).as(json.describe()).isZero();
    assertThat(json.stdout()).isEqualTo("[\n{\"id\":1}\n]\n[\n{\"name\":\"second, with a comma\"}\n]\n");

    // A file of several statements streams too: 3M rows counted by the 64m twin.
    Path big = temp.resolve("big.sql");
    Files.writeString(big, "select 1 as first;\nselect i, md5(i::text) from generate_series(1, 3000000) i;\n");
    TwinCli.Result many = twin.run(Duration.ofSeconds(120), null, "sql", id, "-f", big.toString(), "--format", "csv");
    assertThat(many.exitCode()).as("exit code; stderr: %s", many.stderr()).isZero();
    assertThat(many.stdout()).startsWith("first\n1\ni,md5\n1,c4ca4238a0b923820dcc509a6f75849b\n");
    assertThat(many.stdoutLines()).hasSize(2 + 1 + 500);
    assertThat(many.stderrLines()).containsExactly("twin: ... 2999500 more rows (not shown; use --all or --max-rows)");
    TwinCli.Result after = twin.run("sql", id, "--format", "csv", "select 'still alive' as twin");
    assertThat(after.stdoutLines()).as("the twin survived: %s", after.describe()).containsExactly("twin", "still alive");

    TwinCli.Result none = twin.run("sql", id, "--format", "csv", "--max-rows", "0", "select id from items");
    assertThat(none.exitCode()).as(none.describe()).isZero();
    assertThat(none.stdout()).isEqualTo("id\n");
    assertThat(none.stderrLines()).containsExactly("twin: ... 3 more rows (not shown; use --all or --max-rows)");

    TwinCli.Result usage = twin.run("sql", id, "--all", "--max-rows", "2", "select 1");
    assertThat(usage.exitCode()).as(usage.describe()).isEqualTo(2);
    assertThat(usage.stderrLines()).containsExactly("twin: error: --max-rows and --all do not go together");

    TwinCli.Result empty = twin.run("sql", id, " \n ");
    assertThat(empty.exitCode()).as(empty.describe()).isEqualTo(2);
    assertThat(empty.stderrLines()).containsExactly("twin: error: the SQL statement is empty");
  }
}
