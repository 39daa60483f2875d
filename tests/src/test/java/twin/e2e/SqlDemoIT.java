package twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The quick start's SQL: the demo service's SQLite file through its own sqlite-jdbc, from its twin. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SqlDemoIT {
  /** The databases: section of profiles/demo.yaml. */
  static final String DATABASES = "databases:\n"
      + "  main:\n"
      + "    url: jdbc:sqlite:${DEMO_DB_PATH}\n"
      + "    mode: read-only\n"
      + "    max-rows: 3\n";

  @TempDir Path temp;
  TwinCli twin;

  @AfterEach
  void tearDown() {
    if (twin != null) {
      twin.close();
    }
  }

  @Test
  void theBundledDemoProfileNamesItsDatabase() throws Exception {
    String demo = Files.readString(Fixtures.repo().resolve("profiles/demo.yaml"));
    assertThat(demo).contains("databases:").contains("url: jdbc:sqlite:${DEMO_DB_PATH}");
  }

  @Test
  void aMissingDatabaseFileIsAClearErrorAndIsNotCreated() {
    twin = new TwinCli(temp);
    Path db = temp.resolve("data/demo.db");
    Path profile = Fixtures.demoProfile(temp.resolve("profiles"), Host.freePort(), Host.freePort(), db, DATABASES);

    TwinCli.Result r = twin.run("sql", profile.toString(), "select * from orders");
    assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
    assertThat(r.stderrLines()).as(r.describe()).containsExactly("twin: error: database 'main': the SQLite file "
        + db + " does not exist (read-only mode never creates it)");
    assertThat(db).doesNotExist();
    assertThat(db.getParent()).doesNotExist();

    TwinCli.Result launch = twin.run("launch", profile.toString(), "-e", "(+ 1 2)",
        "-e", "[(contains? (loaded-libs) 'twin.sql) (fn? @#'sql) (:macro (meta #'with-db))]");
    assertThat(launch.exitCode()).as("the profile still launches: %s", launch.describe()).isZero();
    assertThat(launch.stdoutLines()).as("the helpers are lazy vars; twin.sql is not loaded before a first call")
        .containsExactly("3", "[false true true]");
  }

  @Test
  void theDemoDatabaseWorksFromTheTwin() {
    twin = new TwinCli(temp);
    int port = Host.freePort();
    Path db = temp.resolve("data/demo.db");
    Path profile = Fixtures.demoProfile(temp.resolve("profiles"), port, Host.freePort(), db, DATABASES
        + "  fromcode:\n"
        + "    datasource: \"(demo.Database/connect (demo.Config/fromEnv))\"\n");
    Spawned live = twin.spawn(Fixtures.demoDir(),
        Map.of("DEMO_PORT", Integer.toString(port), "DEMO_DB_PATH", db.toString(), "DEMO_API_TOKEN", Fixtures.DEMO_TOKEN),
        "java", "-jar", Fixtures.demoJar().toString());
    live.awaitStdout("demo: listening on 127.0.0.1:" + port, Duration.ofSeconds(30));

    TwinCli.Result csv = twin.run("sql", profile.toString(), "--format", "csv", "--all",
        "select id, customer, total_cents, status from orders order by id");
    assertThat(csv.exitCode()).as(csv.describe()).isZero();
    assertThat(csv.stdoutLines()).containsExactly("id,customer,total_cents,status",
        "1,Ada Lovelace,4200,paid", "2,Alan Turing,1999,shipped", "3,Grace Hopper,12550,paid",
        "4,Edsger Dijkstra,800,cancelled", "5,Barbara Liskov,3075,pending");

    TwinCli.Result table = twin.run("sql", profile.toString(), "select id, status from orders order by id");
    assertThat(table.exitCode()).as(table.describe()).isZero();
    assertThat(table.stdoutLines()).containsExactly(" id | status ", "----+---------", " 1  | paid   ",
        " 2  | shipped", " 3  | paid   ", "(3 rows)", "... 2 more rows");

    TwinCli.Result repl = twin.run("launch", profile.toString(),
        "-e", "(count (sql \"select * from orders where status = ?\" \"paid\"))",
        "-e", "(map :table (tables))",
        "-e", "(map :column (describe \"orders\"))",
        "-e", "(some? (seq (explain \"select * from orders where id = 1\")))",
        "-e", "(sql! \"delete from orders\")");
    assertThat(repl.exitCode()).as(repl.describe()).isEqualTo(1);
    assertThat(repl.stdout()).as(repl.describe()).contains("\n2\n").contains("(\"events\" \"orders\")")
        .contains("(\"id\" \"customer\" \"total_cents\" \"status\")").contains("\ntrue\n");
    assertThat(repl.stderr()).contains("sql! is refused: database 'main' is read-only");

    TwinCli.Result code = twin.run("sql", profile.toString(), "--db", "fromcode", "--format", "csv",
        "select count(*) as n from orders");
    assertThat(code.stdoutLines()).as("a connection from the service's own code: %s", code.describe())
        .containsExactly("n", "5");
    TwinCli.Result codeWrite = twin.run("sql", profile.toString(), "--db", "fromcode", "delete from orders");
    assertThat(codeWrite.exitCode()).as(codeWrite.describe()).isEqualTo(1);
    assertThat(codeWrite.stderr()).contains("twin: error: ");

    TwinCli.Result write = twin.run("sql", profile.toString(), "delete from orders");
    assertThat(write.exitCode()).as(write.describe()).isEqualTo(1);
    assertThat(write.stderrLines()).hasSize(1);
    assertThat(write.stderr()).contains("twin: error: database 'main' is read-only: ", "readonly database",
        "use a database in mode sandbox or read-write to change data");

    // The driver would run the first statement and drop the second without a word.
    TwinCli.Result two = twin.run("sql", profile.toString(), "--format", "csv", "select 1 as a; select 2 as b");
    assertThat(two.exitCode()).as(two.describe()).isEqualTo(1);
    assertThat(two.stdout()).as(two.describe()).isEmpty();
    assertThat(two.stderrLines()).as(two.describe()).containsExactly("twin: error: SQLite's driver runs only the first "
        + "of several statements, and ignores the rest: run one statement at a time");
    assertThat(live.isAlive()).isTrue();
  }
}
