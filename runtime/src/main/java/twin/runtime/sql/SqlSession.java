package twin.runtime.sql;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * One connection to a named database, set up for its mode: read-only (the driver's strongest
 * switch, the session default, autocommit off, each call rolled back), sandbox (one transaction
 * never committed, a savepoint per statement) or read-write (each call committed). Results stream
 * with a fetch size through a {@link RowSink}; a whole result as csv on PostgreSQL streams as one
 * COPY ({@link PgCopy}).
 */
public final class SqlSession implements AutoCloseable {
  /** JDBC URL prefixes and the driver class a service would need for them. */
  static final Map<String, String> DRIVERS = Map.of(
      "jdbc:postgresql:", "org.postgresql.Driver",
      "jdbc:sqlite:", "org.sqlite.JDBC",
      "jdbc:mysql:", "com.mysql.cj.jdbc.Driver",
      "jdbc:mariadb:", "org.mariadb.jdbc.Driver",
      "jdbc:h2:", "org.h2.Driver",
      "jdbc:oracle:", "oracle.jdbc.OracleDriver",
      "jdbc:sqlserver:", "com.microsoft.sqlserver.jdbc.SQLServerDriver");
  static final int CONNECT_TIMEOUT_SECONDS = 10;
  /** SQLite's result code for a write to a database opened read-only. */
  static final int SQLITE_READONLY = 8;
  /** Statements running now, by thread: an interrupted thread's statement is cancelled. */
  private static final Map<Thread, Cancel> RUNNING = new java.util.concurrent.ConcurrentHashMap<>();
  private static volatile boolean watching;

  private final DbSpec spec;
  private final Connection connection;
  private final String product;
  private boolean broken;

  private SqlSession(DbSpec spec, Connection connection, String product) {
    this.spec = spec;
    this.connection = connection;
    this.product = product;
  }

  /** Connects and applies the mode's settings; the twin's own environment fills in {@code ${VAR}}. */
  static SqlSession open(DbSpec spec, String applicationName, boolean allowWrites,
      Function<String, String> env, Function<String, Object> evaluate) {
    if (spec.mode().equals(DbSpec.READ_WRITE) && !allowWrites) {
      throw new SqlFailure("database '" + spec.name() + "' is read-write, but this twin was launched without "
          + "--allow-writes; relaunch with --allow-writes, or use mode sandbox");
    }
    boolean readOnly = spec.mode().equals(DbSpec.READ_ONLY);
    Connection c = spec.datasource() != null ? fromForm(spec, evaluate) : connect(spec, applicationName, readOnly, env);
    try {
      String product = c.getMetaData().getDatabaseProductName();
      SqlSession session = new SqlSession(spec, c, product == null ? "unknown" : product.toLowerCase());
      session.configure(readOnly, applicationName);
      return session;
    } catch (SQLException e) {
      closeQuietly(c);
      throw SqlFailure.of("database '" + spec.name() + "'", e);
    }
  }

  private static Connection connect(DbSpec spec, String applicationName, boolean readOnly,
      Function<String, String> env) {
    String where = "database '" + spec.name() + "'";
    if (spec.url() == null) {
      throw new SqlFailure(where + " has no url");
    }
    String url = spec.resolve("url", spec.url(), env);
    boolean separate = readOnly && spec.readOnlyUser() != null;
    String user = separate ? spec.resolve("read-only.user", spec.readOnlyUser(), env) : spec.resolve("user", spec.user(), env);
    String password = separate ? spec.resolve("read-only.password", spec.readOnlyPassword(), env)
        : spec.resolve("password", spec.password(), env);
    Driver driver;
    try {
      driver = DriverManager.getDriver(url);
    } catch (SQLException e) {
      throw missingDriver(spec, url);
    }
    Properties props = new Properties();
    if (user != null) {
      props.setProperty("user", user);
    }
    if (password != null) {
      props.setProperty("password", password);
    }
    if (url.startsWith("jdbc:postgresql:")) {
      props.setProperty("ApplicationName", applicationName);
      props.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
      props.setProperty("loginTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
      // Past the statement timeout plus slack: a server that stops answering must not hang the twin.
      props.setProperty("socketTimeout", Long.toString(spec.statementTimeout().toSeconds() + 60));
      if (readOnly) {
        props.setProperty("readOnlyMode", "always");
      }
      // A safety net: should pgjdbc ever buffer a whole result (it streams with a fetch size and
      // autocommit off, even for several statements), a big one fails with 08S01, not an OOM.
      props.setProperty("maxResultBuffer", "25percent");
    } else if (url.startsWith("jdbc:sqlite:")) {
      if (!spec.mode().equals(DbSpec.READ_WRITE)) {
        Path file = sqliteFile(url);
        if (file != null && !Files.exists(file)) {
          throw new SqlFailure(where + ": the SQLite file " + file.toAbsolutePath()
              + " does not exist (" + spec.mode() + " mode never creates it)");
        }
        // SQLITE_OPEN_READONLY (1) or SQLITE_OPEN_READWRITE (2), never SQLITE_OPEN_CREATE.
        props.setProperty("open_mode", readOnly ? "1" : "2");
      }
      props.setProperty("busy_timeout", Long.toString(spec.lockTimeout().toMillis()));
    }
    try {
      Connection c = driver.connect(url, props);
      if (c == null) {
        throw missingDriver(spec, url);
      }
      return c;
    } catch (SQLException e) {
      throw SqlFailure.of("cannot connect to " + where, e);
    }
  }

  /** The file a {@code jdbc:sqlite:} URL names, or null for memory databases. */
  static Path sqliteFile(String url) {
    String rest = url.substring("jdbc:sqlite:".length());
    int q = rest.indexOf('?');
    if (q >= 0) {
      rest = rest.substring(0, q);
    }
    if (rest.startsWith("file:")) {
      rest = rest.substring("file:".length());
    }
    if (rest.isEmpty() || rest.startsWith(":memory:") || rest.contains("mode=memory")) {
      return null;
    }
    return Path.of(rest);
  }

  private static SqlFailure missingDriver(DbSpec spec, String url) {
    String prefix = DRIVERS.keySet().stream().filter(url::startsWith).findFirst().orElse(null);
    String scheme = url.startsWith("jdbc:") && url.indexOf(':', 5) > 0 ? url.substring(0, url.indexOf(':', 5) + 1) : url;
    String needed = prefix == null ? "no JDBC driver on the twin's classpath accepts " + scheme + " URLs"
        : "no JDBC driver for " + prefix + " URLs on the twin's classpath (" + DRIVERS.get(prefix) + ")";
    return new SqlFailure("database '" + spec.name() + "': " + needed
        + "; add the driver's jar with twin.extra-classpath in the profile");
  }

  private static Connection fromForm(DbSpec spec, Function<String, Object> evaluate) {
    Object made;
    try {
      made = evaluate.apply(spec.datasource());
    } catch (RuntimeException e) {
      throw new SqlFailure("database '" + spec.name() + "': its datasource form failed: " + SqlFailure.firstLine(String.valueOf(e.getMessage())));
    }
    try {
      if (made instanceof DataSource ds) {
        return ds.getConnection();
      }
      if (made instanceof Connection c) {
        return c;
      }
    } catch (SQLException e) {
      throw SqlFailure.of("cannot connect to database '" + spec.name() + "'", e);
    }
    throw new SqlFailure("database '" + spec.name() + "': its datasource form returned "
        + (made == null ? "nil" : made.getClass().getName()) + ", not a javax.sql.DataSource or java.sql.Connection");
  }

  private void configure(boolean readOnly, String applicationName) throws SQLException {
    Connection c = connection;
    if (!c.getAutoCommit()) {
      c.rollback();
      c.setAutoCommit(true);
    }
    // SETs run with autocommit on, so no later rollback undoes them.
    if (isPostgres()) {
      try (Statement s = c.createStatement()) {
        s.execute("SET statement_timeout = " + spec.statementTimeout().toMillis());
        s.execute("SET lock_timeout = " + spec.lockTimeout().toMillis());
        s.execute("SET idle_in_transaction_session_timeout = " + DbSpec.IDLE_IN_TRANSACTION.toMillis());
        s.execute("SET application_name = '" + applicationName.replace("'", "''") + "'");
      }
    } else if (isSqlite()) {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA busy_timeout = " + spec.lockTimeout().toMillis());
        s.execute("PRAGMA query_only = " + (readOnly ? "1" : "0"));
      }
    }
    if (readOnly && !isSqlite()) {
      // sqlite-jdbc refuses to change this after opening; open_mode and query_only hold instead.
      c.setReadOnly(true);
    }
    c.setAutoCommit(false);
    if (readOnly && isPostgres()) {
      // After setAutoCommit: pgjdbc's readOnlyMode=always sets the session back to READ WRITE when
      // autocommit goes off (it begins each transaction READ ONLY instead); both layers stay on.
      try (Statement s = c.createStatement()) {
        s.execute("SET SESSION default_transaction_read_only = on");
      }
      c.commit();
    }
  }

  public String name() {
    return spec.name();
  }

  public String mode() {
    return spec.mode();
  }

  public DbSpec spec() {
    return spec;
  }

  /** The database product, lower case: {@code postgresql}, {@code sqlite}, ... */
  public String product() {
    return product;
  }

  boolean isPostgres() {
    return product.contains("postgres");
  }

  boolean isSqlite() {
    return product.contains("sqlite");
  }

  /** True once the connection failed in a way that needs a new one. */
  public boolean isBroken() {
    if (broken) {
      return true;
    }
    try {
      return connection.isClosed();
    } catch (SQLException e) {
      return true;
    }
  }

  /** A one-line warning to show when the session opens, or null. */
  public String warning() {
    if (spec.mode().equals(DbSpec.SANDBOX)) {
      return "database '" + spec.name() + "' is a sandbox: everything runs in one transaction that is rolled back at "
          + "the end. Until then it holds its row locks (lock_timeout " + spec.lockTimeout().toMillis()
          + "ms here, but the live service may wait on them), sequences still advance, and effects outside the "
          + "database are not undone.";
    }
    return null;
  }

  /**
   * Runs {@code sql} with {@code params}: rows go to {@code sink}, at most {@code maxRows} of them
   * (negative: all), the rest only counted. {@code write} marks a call that means to change data.
   */
  public void run(String sql, Object[] params, RowSink sink, long maxRows, boolean write) {
    if (write && spec.mode().equals(DbSpec.READ_ONLY)) {
      throw new SqlFailure("sql! is refused: database '" + spec.name() + "' is read-only; use sql to read, "
          + "or a database in mode sandbox or read-write to change data");
    }
    if (product.equals("sqlite") && SqliteText.hasSecondStatement(sql)) {
      throw new SqlFailure("SQLite's driver runs only the first of several statements, and ignores the rest: "
          + "run one statement at a time");
    }
    Savepoint savepoint = null;
    String copy = null;
    try {
      if (spec.mode().equals(DbSpec.SANDBOX)) {
        savepoint = connection.setSavepoint();
      }
      copy = maxRows < 0 && (params == null || params.length == 0) && sink instanceof Writers.Csv
          && isPostgres() ? PgCopy.statement(sql) : null;
      if (copy != null) {
        if (PgCopy.run(connection, copy, (Writers.Csv) sink)) {
          finish(savepoint);
          return;
        }
        // Refused before it ran (a query COPY does not take): back to where the call began.
        if (savepoint != null) {
          connection.rollback(savepoint);
        } else {
          connection.rollback();
        }
        copy = null;
      }
      try (PreparedStatement ps = connection.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY,
          ResultSet.CONCUR_READ_ONLY)) {
        ps.setFetchSize(spec.fetchSize());
        if (!isPostgres()) {
          ps.setQueryTimeout((int) Math.max(1, spec.statementTimeout().toSeconds()));
        }
        for (int i = 0; params != null && i < params.length; i++) {
          ps.setObject(i + 1, params[i]);
        }
        watch(ps::cancel);
        boolean isResult;
        try {
          isResult = ps.execute();
        } finally {
          unwatch();
        }
        for (int results = 0; ; results++) {
          if (isResult) {
            try (ResultSet rs = ps.getResultSet()) {
              stream(ps, rs, sink, maxRows);
            }
          } else {
            long count = ps.getUpdateCount();
            if (count < 0) {
              break;
            }
            sink.updated(count);
          }
          if (!isPostgres()) {
            break;
          }
          isResult = ps.getMoreResults();
        }
      }
      finish(savepoint);
    } catch (SQLException e) {
      undo(savepoint, e.getSQLState());
      if (Thread.interrupted()) {
        throw new SqlFailure("interrupted: the statement was cancelled (" + SqlFailure.of(null, e).getMessage() + ")");
      }
      if (copy != null && "57014".equals(e.getSQLState()) && String.valueOf(e.getMessage()).contains("statement timeout")) {
        // A cursor's timeout covers each fetch; one COPY is one statement, as psql's query is.
        throw new SqlFailure(SqlFailure.of(null, e).getMessage() + " (statement-timeout " + spec.statementTimeout().toMillis()
            + "ms covers the whole of a csv --all result; raise it with --statement-timeout, or for database '" + spec.name()
            + "' in the profile)");
      }
      if (!isPostgres() && e.getErrorCode() == SQLITE_READONLY && spec.mode().equals(DbSpec.READ_ONLY)) {
        // SQLite says only "attempt to write a readonly database": say why it is.
        throw new SqlFailure("database '" + spec.name() + "' is read-only: " + SqlFailure.of(null, e).getMessage()
            + "; use a database in mode sandbox or read-write to change data", e.getSQLState(), null);
      }
      throw SqlFailure.of(null, e);
    } catch (IOException e) {
      undo(savepoint, null);
      throw new SqlFailure("output closed: " + e.getMessage());
    } catch (RuntimeException e) {
      undo(savepoint, null);
      throw e;
    }
  }

  private void stream(Statement ps, ResultSet rs, RowSink sink, long maxRows) throws SQLException, IOException {
    ResultSetMetaData md = rs.getMetaData();
    int n = md.getColumnCount();
    List<String> labels = new ArrayList<>(n);
    for (int i = 1; i <= n; i++) {
      labels.add(md.getColumnLabel(i));
    }
    sink.columns(labels);
    feed(rs, rowOf(rs, null), n, sink, maxRows, ps);
  }

  /**
   * Passes the rows of {@code rs} to {@code sink} (read a batch ahead, {@link ReadAhead}): at most
   * {@code maxRows} shown (negative: all), the rest counted. An interrupt cancels {@code statement}.
   */
  private static void feed(ResultSet rs, RowSink.Row row, int width, RowSink sink, long maxRows, Statement statement)
      throws SQLException, IOException {
    ReadAhead.feed(rs::next, row, width, sink, maxRows, statement);
  }

  private void finish(Savepoint savepoint) throws SQLException {
    switch (spec.mode()) {
      case DbSpec.SANDBOX -> connection.releaseSavepoint(savepoint);
      case DbSpec.READ_WRITE -> connection.commit();
      // Ends the transaction: nothing to keep, and no idle-in-transaction timeout to meet.
      default -> connection.rollback();
    }
  }

  private void undo(Savepoint savepoint, String sqlState) {
    if (sqlState != null && sqlState.startsWith("08")) {
      broken = true;
    }
    try {
      if (savepoint != null) {
        connection.rollback(savepoint);
      } else {
        connection.rollback();
      }
    } catch (SQLException e) {
      broken = true;
    }
  }

  /** Tables and views, from the driver's metadata. */
  public void tables(RowSink sink, long maxRows) {
    metadata(sink, maxRows, md -> md.getTables(null, null, "%", new String[] {"TABLE", "VIEW"}),
        new String[] {"TABLE_SCHEM", "TABLE_NAME", "TABLE_TYPE"}, List.of("schema", "table", "type"));
  }

  /** The columns of {@code table} ({@code schema.table} also works), from the driver's metadata. */
  public void describe(String table, RowSink sink) {
    String schema = null;
    String name = table;
    int dot = table.indexOf('.');
    if (dot > 0) {
      schema = table.substring(0, dot);
      name = table.substring(dot + 1);
    }
    String s = schema;
    for (String candidate : new String[] {name, name.toLowerCase(), name.toUpperCase()}) {
      if (hasColumns(s, candidate)) {
        metadata(sink, -1, md -> md.getColumns(null, s, candidate, "%"),
            new String[] {"COLUMN_NAME", "TYPE_NAME", "COLUMN_SIZE", "IS_NULLABLE", "COLUMN_DEF"},
            List.of("column", "type", "size", "nullable", "default"));
        return;
      }
    }
    throw new SqlFailure("no table or view '" + table + "' in database '" + spec.name() + "'");
  }

  private boolean hasColumns(String schema, String table) {
    try (ResultSet rs = connection.getMetaData().getColumns(null, schema, table, "%")) {
      return rs.next();
    } catch (SQLException e) {
      throw SqlFailure.of(null, e);
    } finally {
      endQuietly();
    }
  }

  /** The statement that shows {@code sql}'s plan on this database. */
  public String explainStatement(String sql) {
    if (isPostgres()) {
      return "EXPLAIN " + sql;
    }
    if (isSqlite()) {
      return "EXPLAIN QUERY PLAN " + sql;
    }
    throw new SqlFailure("explain is not supported for " + product + " (database '" + spec.name() + "')");
  }

  private interface MetaQuery {
    ResultSet run(DatabaseMetaData md) throws SQLException;
  }

  private void metadata(RowSink sink, long maxRows, MetaQuery query, String[] columns, List<String> labels) {
    try (ResultSet rs = query.run(connection.getMetaData())) {
      sink.columns(labels);
      feed(rs, rowOf(rs, columns), columns.length, sink, maxRows, null);
    } catch (SQLException e) {
      throw SqlFailure.of(null, e);
    } catch (IOException e) {
      throw new SqlFailure("output closed: " + e.getMessage());
    } finally {
      endQuietly();
    }
  }

  private void endQuietly() {
    try {
      if (!spec.mode().equals(DbSpec.SANDBOX)) {
        connection.rollback();
      }
    } catch (SQLException e) {
      broken = true;
    }
  }

  private static RowSink.Row rowOf(ResultSet rs, String[] columns) {
    return new RowSink.Row() {
      @Override
      public String text(int column) throws SQLException {
        return columns == null ? rs.getString(column) : rs.getString(columns[column - 1]);
      }

      @Override
      public Object value(int column) throws SQLException {
        return columns == null ? rs.getObject(column) : rs.getObject(columns[column - 1]);
      }
    };
  }

  /** How to cancel what a thread runs on the server. */
  interface Cancel {
    void cancel() throws SQLException;
  }

  /**
   * Registers {@code cancel} for what the current thread runs now. A waiting driver does not
   * notice a thread interrupt (Ctrl-C in the REPL), so a watcher cancels the statement instead.
   */
  static void watch(Cancel cancel) {
    RUNNING.put(Thread.currentThread(), cancel);
    if (!watching) {
      synchronized (RUNNING) {
        if (!watching) {
          Thread watcher = new Thread(() -> {
            while (true) {
              RUNNING.forEach((thread, running) -> {
                if (thread.isInterrupted() || !thread.isAlive()) {
                  RUNNING.remove(thread, running);
                  cancelQuietly(running);
                }
              });
              try {
                Thread.sleep(100);
              } catch (InterruptedException e) {
                return;
              }
            }
          }, "twin-sql-cancel");
          watcher.setDaemon(true);
          watcher.start();
          watching = true;
        }
      }
    }
  }

  /** The current thread runs nothing on the server any more. */
  static void unwatch() {
    RUNNING.remove(Thread.currentThread());
  }

  static void cancelQuietly(Statement s) {
    cancelQuietly(s::cancel);
  }

  private static void cancelQuietly(Cancel cancel) {
    try {
      cancel.cancel();
    } catch (SQLException | RuntimeException e) {
      // the session is interrupted anyway
    }
  }

  /** Rolls back whatever is open (a sandbox's whole transaction) and closes the connection. */
  @Override
  public void close() {
    try {
      if (!connection.isClosed() && !connection.getAutoCommit()) {
        connection.rollback();
      }
    } catch (SQLException e) {
      // closing anyway: the server rolls back an open transaction when the connection ends
    }
    closeQuietly(connection);
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      // nothing more to do
    }
  }
}
