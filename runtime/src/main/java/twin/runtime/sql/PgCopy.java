package twin.runtime.sql;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/**
 * {@code twin sql --format csv --all} on PostgreSQL: the server writes the CSV
 * ({@code COPY (query) TO STDOUT (FORMAT csv, HEADER)}), so the rows stream without the driver's
 * stop after each fetch, and each value is printed by the server's own output function, as psql's
 * are. Two differences from {@code psql --csv} are undone on the way ({@link PsqlCsv}). Only a
 * statement that is one plain query is wrapped, and the driver's copy API is reached by
 * reflection: the runtime jar links nothing outside the JDK.
 */
final class PgCopy {
  private static final Set<String> QUERIES = Set.of("select", "with", "values", "table");

  private PgCopy() {}

  /**
   * The COPY statement that streams {@code sql} as CSV, or null when {@code sql} is not one query
   * that can be wrapped as written: it must start with SELECT, WITH, VALUES or TABLE and hold no
   * {@code ;} (but trailing ones), no {@code $}, no string with a backslash, no unterminated
   * quote or comment, and no parenthesis that would close the wrapper's. Whatever is refused here
   * runs the usual way.
   */
  static String statement(String sql) {
    String body = sql.strip();
    while (body.endsWith(";")) {
      body = body.substring(0, body.length() - 1).strip();
    }
    int start = skipComments(body, 0);
    if (start < 0) {
      return null;
    }
    int word = start;
    while (word < body.length() && Character.isLetter(body.charAt(word))) {
      word++;
    }
    if (!QUERIES.contains(body.substring(start, word).toLowerCase(Locale.ROOT))) {
      return null;
    }
    int depth = 0;
    for (int i = word; i < body.length(); i++) {
      char c = body.charAt(i);
      switch (c) {
        case '\'', '"' -> i = endOfQuoted(body, i);
        case '-', '/' -> {
          int after = skipComments(body, i);
          i = after < 0 ? -2 : Math.max(i, after - 1);
        }
        case '(' -> depth++;
        case ')' -> depth = depth == 0 ? -1 : depth - 1;
        case ';', '$', '\\' -> i = -2;
        default -> { }
      }
      if (i < -1 || depth < 0) {
        return null;
      }
    }
    // The line break ends a trailing -- comment before the wrapper's parenthesis.
    return depth == 0 ? "COPY (" + body + "\n) TO STDOUT (FORMAT csv, HEADER)" : null;
  }

  /** The index of the quote that closes the one at {@code open} (doubled quotes stay inside), or -2. */
  private static int endOfQuoted(String s, int open) {
    char q = s.charAt(open);
    for (int i = open + 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && q == '\'') {
        return -2; // E'' strings (and old non-standard ones) escape with it: not worth telling apart
      }
      if (c == q) {
        if (i + 1 < s.length() && s.charAt(i + 1) == q) {
          i++;
        } else {
          return i;
        }
      }
    }
    return -2;
  }

  /** The index after whitespace and comments from {@code i} (comments nest), or -1 for an unterminated one. */
  private static int skipComments(String s, int i) {
    while (i < s.length()) {
      if (Character.isWhitespace(s.charAt(i))) {
        i++;
      } else if (s.startsWith("--", i)) {
        int nl = s.indexOf('\n', i);
        i = nl < 0 ? s.length() : nl + 1;
      } else if (s.startsWith("/*", i)) {
        int depth = 0;
        do {
          if (s.startsWith("/*", i)) {
            depth++;
            i += 2;
          } else if (s.startsWith("*/", i)) {
            depth--;
            i += 2;
          } else {
            i++;
          }
        } while (depth > 0 && i < s.length());
        if (depth > 0) {
          return -1;
        }
      } else {
        break;
      }
    }
    return i;
  }

  /**
   * Runs {@code copy} and sends its rows to {@code sink}. Returns false, having sent nothing, when
   * the server refuses the statement before it runs (SQLSTATE class 42 or 0A: a query COPY cannot
   * take), or when the connection is not pgjdbc's; the caller rolls back and runs the query the
   * usual way. An interrupt cancels the copy.
   */
  static boolean run(Connection connection, String copy, Writers.Csv sink) throws SQLException, IOException {
    Api api = Api.of(connection);
    if (api == null) {
      return false;
    }
    // Watched from before the statement is sent: the server may send nothing (not even that the
    // copy began) until its first rows fill a buffer.
    SqlSession.watch(() -> api.invoke(api.cancelQuery, api.connection));
    Object operation = null;
    boolean done = false;
    try {
      try {
        operation = api.invoke(api.copyOut, api.manager, copy);
      } catch (SQLException e) {
        String state = e.getSQLState();
        boolean refused = state != null && (state.startsWith("42") || state.startsWith("0A"));
        if (refused && !Thread.currentThread().isInterrupted()) {
          return false;
        }
        throw e;
      }
      PsqlCsv csv = new PsqlCsv();
      byte[] piece;
      while ((piece = (byte[]) api.invoke(api.read, operation)) != null) {
        sink.copied(csv.fix(piece, piece.length));
      }
      sink.copied(csv.finish());
      done = true;
    } catch (SQLException | RuntimeException e) {
      ReadAhead.brokenOff(sink, e);
      throw e;
    } finally {
      SqlSession.unwatch();
      if (!done && operation != null) {
        api.cancel(operation);
      }
    }
    sink.end(0, 0);
    return true;
  }

  /** pgjdbc's copy API on one connection, found by reflection. */
  private record Api(Object connection, Object manager, Method copyOut, Method read, Method active,
      Method cancelCopy, Method cancelQuery) {

    static Api of(Connection c) throws SQLException {
      try {
        ClassLoader loader = c.getClass().getClassLoader();
        Class<?> pgConnection = Class.forName("org.postgresql.PGConnection", false, loader);
        if (!c.isWrapperFor(pgConnection)) {
          return null;
        }
        Object pg = c.unwrap(pgConnection);
        Object manager = pgConnection.getMethod("getCopyAPI").invoke(pg);
        Class<?> copyOut = Class.forName("org.postgresql.copy.CopyOut", false, loader);
        Class<?> operation = Class.forName("org.postgresql.copy.CopyOperation", false, loader);
        return new Api(pg, manager, manager.getClass().getMethod("copyOut", String.class),
            copyOut.getMethod("readFromCopy"), operation.getMethod("isActive"), operation.getMethod("cancelCopy"),
            pgConnection.getMethod("cancelQuery"));
      } catch (ReflectiveOperationException | LinkageError e) {
        return null; // another driver, or a pgjdbc without this API: the usual way works
      }
    }

    Object invoke(Method m, Object target, Object... args) throws SQLException {
      try {
        return m.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw ReadAhead.rethrow(e.getCause());
      } catch (IllegalAccessException e) {
        throw new SqlFailure("the driver's copy API is not accessible: " + e.getMessage());
      }
    }

    /** Ends a copy that is still running (an interrupt, a closed output): the server stops sending. */
    void cancel(Object operation) {
      try {
        if (Boolean.TRUE.equals(invoke(active, operation))) {
          invoke(cancelCopy, operation);
        }
      } catch (SQLException | RuntimeException e) {
        // the transaction is rolled back next; a connection left unusable shows there
      }
    }
  }

  /**
   * COPY's CSV turned into {@code psql --csv}'s, a piece at a time (a piece may end anywhere):
   * COPY quotes an empty string ({@code ""}) to tell it from NULL, psql prints both as nothing;
   * psql quotes a field that is exactly {@code \.} and COPY does only when it is the only column.
   * Everything else is the same bytes (the server's output functions on both sides).
   */
  static final class PsqlCsv {
    private static final int START = 0;
    private static final int PLAIN = 1;
    private static final int QUOTED = 2;
    private static final int QUOTE = 3;
    private static final int SLASH = 4;
    private static final int SLASH_DOT = 5;

    private int state = START;
    /** The opening quote of the current field, not written yet: the field may be {@code ""}. */
    private boolean held;
    private byte[] out = new byte[8192];
    private int n;

    /** The text of {@code in[0, len)} after what came before, as far as it ends in whole characters. */
    String fix(byte[] in, int len) {
      if (out.length < n + 2 * len + 8) {
        out = Arrays.copyOf(out, Math.max(2 * out.length, n + 2 * len + 8));
      }
      if ((state == START || state == PLAIN) && plain(in, len)) {
        System.arraycopy(in, 0, out, n, len);
        n += len;
        if (len > 0) {
          state = in[len - 1] == ',' || in[len - 1] == '\n' ? START : PLAIN;
        }
      } else {
        for (int i = 0; i < len; i++) {
          step(in[i]);
        }
      }
      return take(complete(out, n));
    }

    /** The rest at the end of the copy. */
    String finish() {
      switch (state) {
        case QUOTE -> {
          if (!held) {
            put('"');
          }
        }
        case QUOTED -> {
          if (held) {
            put('"');
          }
        }
        case SLASH -> put('\\');
        case SLASH_DOT -> putDot();
        default -> { }
      }
      state = START;
      held = false;
      return take(n);
    }

    private static boolean plain(byte[] in, int len) {
      for (int i = 0; i < len; i++) {
        byte b = in[i];
        if (b == '"' || b == '\\') {
          return false;
        }
      }
      return true;
    }

    private void step(byte b) {
      switch (state) {
        case START -> {
          if (b == '"') {
            state = QUOTED;
            held = true;
          } else if (b == '\\') {
            state = SLASH;
          } else {
            plainByte(b);
          }
        }
        case PLAIN -> plainByte(b);
        case QUOTED -> {
          if (b == '"') {
            state = QUOTE;
          } else {
            open();
            put(b);
          }
        }
        case QUOTE -> {
          if (b == '"') { // a doubled quote inside the field
            open();
            put('"');
            put('"');
            state = QUOTED;
          } else { // the field ended; an empty string ("") is written as nothing
            if (held) {
              held = false;
            } else {
              put('"');
            }
            plainByte(b);
          }
        }
        case SLASH -> {
          if (b == '.') {
            state = SLASH_DOT;
          } else {
            put('\\');
            plainByte(b);
          }
        }
        default -> { // SLASH_DOT
          if (b == ',' || b == '\n') {
            putDot();
            put(b);
            state = START;
          } else {
            put('\\');
            put('.');
            plainByte(b);
          }
        }
      }
    }

    private void plainByte(byte b) {
      put(b);
      state = b == ',' || b == '\n' ? START : PLAIN;
    }

    private void open() {
      if (held) {
        put('"');
        held = false;
      }
    }

    private void putDot() {
      put('"');
      put('\\');
      put('.');
      put('"');
    }

    private void put(int b) {
      if (n == out.length) {
        out = Arrays.copyOf(out, 2 * out.length);
      }
      out[n++] = (byte) b;
    }

    /** Decodes {@code out[0, k)} and keeps the rest (a character cut by the piece's end) for next time. */
    private String take(int k) {
      String text = new String(out, 0, k, StandardCharsets.UTF_8);
      System.arraycopy(out, k, out, 0, n - k);
      n -= k;
      return text;
    }

    /** The length of the longest prefix of {@code b[0, n)} that ends with a whole UTF-8 character. */
    static int complete(byte[] b, int n) {
      int p = n - 1;
      while (p >= 0 && p > n - 4 && (b[p] & 0xC0) == 0x80) {
        p--;
      }
      if (p < 0) {
        return n;
      }
      int lead = b[p] & 0xff;
      int need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
      return p + need <= n ? n : p;
    }
  }
}
