package twin.runtime.sql;

import java.util.Locale;

/**
 * What SQLite's JDBC driver does with several statements in one string: it runs the first and
 * ignores the rest, silently. Told here, so that a second statement is an error, not a surprise.
 */
final class SqliteText {
  private SqliteText() {}

  /**
   * True when {@code sql} holds a statement after its first {@code ;} (quotes, identifiers and
   * comments as SQLite reads them). A trigger's body holds semicolons of its own: CREATE TRIGGER
   * is one statement.
   */
  static boolean hasSecondStatement(String sql) {
    String lower = sql.toLowerCase(Locale.ROOT);
    if (lower.stripLeading().startsWith("create") && lower.contains("trigger")) {
      return false;
    }
    boolean ended = false;
    for (int i = 0; i < sql.length(); i++) {
      char c = sql.charAt(i);
      if (c == '\'' || c == '"' || c == '`' || c == '[') {
        if (ended) {
          return true;
        }
        char close = c == '[' ? ']' : c;
        int end = sql.indexOf(close, i + 1);
        if (end < 0) {
          return false; // unterminated: the driver's error says so
        }
        i = end; // a doubled quote is two quoted runs: the same for this purpose
      } else if (sql.startsWith("--", i)) {
        int nl = sql.indexOf('\n', i);
        i = nl < 0 ? sql.length() : nl;
      } else if (sql.startsWith("/*", i)) {
        int close = sql.indexOf("*/", i + 2);
        i = close < 0 ? sql.length() : close + 1;
      } else if (c == ';') {
        ended = true;
      } else if (ended && !Character.isWhitespace(c)) {
        return true;
      }
    }
    return false;
  }
}
