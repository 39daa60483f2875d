package twin.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import twin.ExitCodes;
import twin.Os;
import twin.TwinException;
import twin.client.Printer;
import twin.client.RemoteTwin;
import twin.client.SessionDriver;
import twin.client.Utf8Out;
import twin.secret.Redactor;

/**
 * {@code twin sql TWIN|PROFILE QUERY}: one query through the twin's own JDBC driver, streamed to
 * stdout. The query travels as a form (so the transcript records it) that runs {@code twin.sql/cli}
 * in the twin; rows come back as output chunks and are written as they arrive.
 */
@Command(name = "sql", mixinStandardHelpOptions = true,
    description = "Run one SQL query in a running twin (TWIN), or in a twin of PROFILE started for it, with the "
        + "service's JDBC driver and the profile's databases (read-only by default). Rows stream to stdout; "
        + "exit 1 on an SQL error (its SQLSTATE and message go to stderr).",
    footer = {"", "Examples:",
        "  twin sql demo 'select * from orders where status = ''paid'''",
        "  twin sql orders --db reporting --format csv --all 'select * from invoices' > invoices.csv",
        "  twin sql orders --statement-timeout 10m --format csv --all 'select * from events' > events.csv",
        "  twin sql orders-3f9a1c -f slow-query.sql --format json"})
public final class SqlCommand implements Callable<Integer> {
  static final List<String> FORMATS = List.of("table", "csv", "json");
  /** A statement longer than a day is not an investigation; PostgreSQL's own limit is about 24 days. */
  static final Duration MAX_TIMEOUT = Duration.ofHours(24);

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TWIN|PROFILE", description = "A running twin, or a profile to launch one of.")
  String target;

  @Parameters(index = "1", arity = "0..1", paramLabel = "QUERY", description = "The SQL statement.")
  String query;

  @Option(names = {"-f", "--file"}, paramLabel = "FILE.sql", description = "Read the statement from a file.")
  Path file;

  @Option(names = "--db", paramLabel = "NAME", description = "A database of the profile's databases: (default: main).")
  String db;

  @Option(names = "--format", paramLabel = "FORMAT", description = "table (default), csv (as psql --csv) or json.")
  String format = "table";

  @Option(names = "--max-rows", paramLabel = "N", description = "Print at most N rows (default: the database's max-rows, 500); the rest are counted.")
  Integer maxRows;

  @Option(names = "--all", description = "Print every row.")
  boolean all;

  @Option(names = "--statement-timeout", paramLabel = "DURATION",
      description = "Cancel the statement after DURATION (e.g. 500ms, 90s, 10m, 2h; at most 24h) instead of the database's "
          + "statement-timeout (default 30s). For csv --all on PostgreSQL it bounds the whole export.")
  String statementTimeout;

  @Option(names = "--allow-writes", description = "Allow read-write databases in the twin launched for PROFILE.")
  boolean allowWrites;

  @Option(names = "--reason", paramLabel = "TEXT", description = "Why: recorded in the transcript.")
  String reason;

  @Override
  public Integer call() throws Exception {
    String text = statement();
    if (!FORMATS.contains(format)) {
      throw TwinException.usage("--format takes table, csv or json, not '" + format + "'");
    }
    if (all && maxRows != null) {
      throw TwinException.usage("--max-rows and --all do not go together");
    }
    if (maxRows != null && maxRows < 0) {
      throw TwinException.usage("--max-rows takes a number of rows, 0 or more");
    }
    Duration timeout = statementTimeout == null ? null : statementTimeout(statementTimeout);
    String form = form(db, format, all ? "-1" : maxRows == null ? ":default" : maxRows.toString(), timeout, text);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();

    RemoteTwin twin = TwinsCommands.locator().find(target);
    SqlPrinter printer;
    int code;
    if (twin != null) {
      twin = twin.withReason(TwinsCommands.requiredReason(twin, reason));
      if (allowWrites) {
        err.println("twin: warning: --allow-writes applies to a twin started for PROFILE; " + twin.entry().id()
            + " keeps what it was launched with (twin launch --allow-writes)");
      }
      printer = new SqlPrinter(out, err, Redactor.none());
      code = Launches.evalIn(twin, form, "sql", printer);
    } else {
      Launches.Prepared prepared = Launches.prepareForTarget(Environment.current(), target);
      checkDatabase(prepared.profile().databases().keySet(), db, prepared.plan().profileName());
      String why = Reasons.require(reason, prepared.profile().twin().requireReason(), prepared.plan().profileName());
      printer = new SqlPrinter(out, err, prepared.redactor());
      code = Launches.runOnce(prepared, form, "sql", false, printer, why, allowWrites);
    }
    if (printer.broken) {
      return ExitCodes.OK; // the reader went away (| head): not an error of the query
    }
    return printer.failed || code != ExitCodes.OK ? ExitCodes.FAILED : ExitCodes.OK;
  }

  /**
   * A profile's databases are known before a twin starts: a wrong {@code --db} (or none to use) is
   * a usage error found without starting a JVM. A running twin checks its own.
   */
  static void checkDatabase(java.util.Set<String> names, String db, String profileName) {
    if (names.isEmpty()) {
      throw TwinException.usage("profile " + profileName + " has no databases: add a databases: section (or "
          + "datasource:) to it; see profiles/README.md");
    }
    if (db != null && !names.contains(db)) {
      throw TwinException.usage("no database '" + db + "' in profile " + profileName + "; it has: "
          + String.join(", ", names));
    }
  }

  private String statement() {
    if ((query == null) == (file == null)) {
      throw TwinException.usage("give the SQL statement as QUERY or with -f FILE.sql (one of them)");
    }
    String text;
    try {
      text = query != null ? query : Files.readString(file, StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw TwinException.usage("cannot read " + file + ": " + Os.reason(e));
    }
    if (text.isBlank()) {
      throw TwinException.usage(query != null ? "the SQL statement is empty" : file + " holds no SQL statement");
    }
    return text;
  }

  /** A duration as a profile's statement-timeout is written (500ms, 90s, 10m, 2h), up to a day. */
  static Duration statementTimeout(String text) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("([1-9][0-9]{0,8})(ms|s|m|h)").matcher(text.strip());
    Duration d = null;
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      d = switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      };
    }
    if (d == null || d.compareTo(MAX_TIMEOUT) > 0) {
      throw TwinException.usage("--statement-timeout takes a duration such as 500ms, 90s, 10m or 2h, at most 24h; not '"
          + text + "'");
    }
    return d;
  }

  /** The form the twin evaluates; the statement is a Clojure string literal. */
  static String form(String db, String format, String maxRows, Duration timeout, String statement) {
    return "((requiring-resolve 'twin.sql/cli) {:db " + (db == null ? "nil" : literal(db)) + " :format "
        + literal(format) + " :max-rows " + maxRows
        + (timeout == null ? "" : " :statement-timeout-ms " + timeout.toMillis()) + " :query " + literal(statement) + "})";
  }

  static String literal(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /**
   * Writes rows as they come; notices a closed stdout (EPIPE from {@code | head}) and then
   * interrupts the query instead of streaming into nothing.
   */
  static final class SqlPrinter implements Printer, Launches.SessionAware {
    private final PrintWriter out;
    private final PrintWriter err;
    private final Redactor redactor;
    private volatile SessionDriver session;
    volatile boolean broken;
    volatile boolean failed;

    SqlPrinter(PrintWriter out, PrintWriter err, Redactor redactor) {
      this.out = out;
      this.err = err;
      this.redactor = redactor;
    }

    @Override
    public void opened(SessionDriver driver) {
      this.session = driver;
    }

    @Override
    public void value(String printed) {
      if (printed.equals(":twin.sql/failed")) {
        failed = true;
      } else if (!printed.equals(":twin.sql/ok")) {
        out(printed + "\n");
      }
    }

    @Override
    public void error(String message) {
      failed = true;
      if (broken) {
        return;
      }
      String one = String.join(": ", message.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
      err.println("twin: error: " + redactor.redact(one));
      err.flush();
    }

    /**
     * Rows as they come: masked already (the recorder masks a session's output as a stream before
     * any client sees it), so written as they are, as bytes when stdout takes them.
     */
    @Override
    public void out(String text) {
      if (broken) {
        return;
      }
      if (out instanceof Utf8Out bytes) {
        bytes.printBulk(text);
      } else {
        out.print(text);
        out.flush();
      }
      if (out.checkError()) {
        broken = true;
        SessionDriver s = session;
        if (s != null) {
          s.interrupt();
        }
      }
    }

    @Override
    public void err(String text) {
      if (broken) {
        return;
      }
      err.print(redactor.redact(text));
      err.flush();
    }

    @Override
    public void service(String line) {
      err.println(redactor.redact(line));
      err.flush();
    }

    @Override
    public void notice(String message) {
      if (!broken) {
        err.println("twin: " + redactor.redact(message));
        err.flush();
      }
    }
  }
}
