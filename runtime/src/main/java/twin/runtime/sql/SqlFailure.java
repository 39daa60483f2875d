package twin.runtime.sql;

import java.sql.SQLException;

/** An SQL problem told in one line: what failed, with the SQLSTATE when the database gave one. */
public final class SqlFailure extends RuntimeException {
  private final String sqlState;

  public SqlFailure(String message) {
    this(message, null, null);
  }

  public SqlFailure(String message, String sqlState, Throwable cause) {
    super(message, cause, false, false);
    this.sqlState = sqlState;
  }

  /** The SQLSTATE, or null when the failure did not come from the database. */
  public String sqlState() {
    return sqlState;
  }

  /** {@code SQLSTATE 42601: syntax error at or near "selec"}, the driver's first line only. */
  static SqlFailure of(String context, SQLException e) {
    String state = e.getSQLState();
    String message = firstLine(e.getMessage());
    for (String severity : new String[] {"ERROR: ", "FATAL: "}) {
      if (message.startsWith(severity)) {
        message = message.substring(severity.length());
      }
    }
    String text = (state == null ? "" : "SQLSTATE " + state + ": ") + message;
    // No cause: Clojure's REPL reports the root cause, and this one line already says it all.
    return new SqlFailure(context == null ? text : context + ": " + text, state, null);
  }

  static String firstLine(String s) {
    if (s == null) {
      return "(no message)";
    }
    String t = s.strip();
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl).strip();
  }
}
