package twin.runtime.sql;

import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The row sinks: an aligned table (kept rows), and csv and json streamed in small chunks. */
public final class Writers {
  /** Flush after this many characters: small chunks keep a slow reader from filling the heap. */
  static final int CHUNK = 4096;

  private Writers() {}

  /**
   * Rows are appended to a buffer of its own and sent to {@code out} a chunk at a time: one write
   * to the REPL's writer per chunk, not per row (each write there is a Clojure call).
   */
  abstract static class Chunked implements RowSink {
    final Writer out;
    private final Writer err;
    /** What is not sent yet; a new one per chunk, so one wide character does not widen them all. */
    StringBuilder buf = new StringBuilder(CHUNK + 256);

    Chunked(Writer out, Writer err) {
      this.out = out;
      this.err = err;
    }

    void write(String s) throws IOException {
      buf.append(s);
      rowDone();
    }

    /** After each row: sends the buffer once it reaches a chunk. */
    void rowDone() throws IOException {
      if (buf.length() >= CHUNK) {
        send();
        if (Thread.interrupted()) {
          throw new SqlFailure("interrupted");
        }
      }
    }

    private void send() throws IOException {
      if (buf.length() > 0) {
        out.write(buf.toString());
        buf = new StringBuilder(CHUNK + 256);
      }
      out.flush();
    }

    @Override
    public void brokenOff() throws IOException {
      send();
    }

    @Override
    public void end(long shown, long more) throws IOException {
      send();
      if (more > 0 && err != null) {
        err.write("twin: ... " + more + " more row" + (more == 1 ? "" : "s") + " (not shown; use --all or --max-rows)\n");
        err.flush();
      }
    }

    @Override
    public void updated(long count) throws IOException {
      if (err != null) {
        err.write("twin: " + count + " row" + (count == 1 ? "" : "s") + " affected\n");
        err.flush();
      }
    }
  }

  /** CSV exactly as {@code psql --csv} prints it. */
  public static RowSink csv(Writer out, Writer err) {
    return new Csv(out, err);
  }

  /** The CSV sink; it also takes text the server wrote as CSV ({@link PgCopy}). */
  static final class Csv extends Chunked {
    private int width;

    Csv(Writer out, Writer err) {
      super(out, err);
    }

    @Override
    public boolean needsValues() {
      return false;
    }

    @Override
    public void columns(List<String> labels) throws IOException {
      width = labels.size();
      for (int i = 0; i < labels.size(); i++) {
        if (i > 0) {
          buf.append(',');
        }
        csvField(buf, labels.get(i));
      }
      buf.append('\n');
      rowDone();
    }

    @Override
    public void row(Row rs) throws SQLException, IOException {
      for (int i = 1; i <= width; i++) {
        if (i > 1) {
          buf.append(',');
        }
        String v = rs.text(i);
        if (v != null) {
          csvField(buf, v);
        }
      }
      buf.append('\n');
      rowDone();
    }

    /** Rows already in psql's CSV: sent a chunk at a time, as rows are. */
    void copied(String text) throws IOException {
      buf.append(text);
      rowDone();
    }
  }

  /** psql quotes a field holding the separator, a quote, CR or LF, or exactly {@code \.}. */
  static String csvField(String s) {
    return csvField(new StringBuilder(), s).toString();
  }

  static StringBuilder csvField(StringBuilder to, String s) {
    // One pass; the twin runs C1, which has no vectorized indexOf, so four of them cost more.
    boolean quote = s.equals("\\.");
    for (int i = 0, n = s.length(); i < n && !quote; i++) {
      char c = s.charAt(i);
      quote = c == ',' || c == '"' || c == '\n' || c == '\r';
    }
    return quote ? to.append('"').append(s.replace("\"", "\"\"")).append('"') : to.append(s);
  }

  /** A JSON array, one object per row on its own line. */
  public static RowSink json(Writer out, Writer err) {
    return new Chunked(out, err) {
      List<String> keys;
      boolean first;

      @Override
      public void columns(List<String> labels) throws IOException {
        keys = new ArrayList<>();
        labels.forEach(l -> keys.add(jsonString(l)));
        first = true;
        write("[");
      }

      @Override
      public void row(Row rs) throws SQLException, IOException {
        StringBuilder line = new StringBuilder(first ? "\n{" : ",\n{");
        first = false;
        for (int i = 1; i <= keys.size(); i++) {
          if (i > 1) {
            line.append(',');
          }
          line.append(keys.get(i - 1)).append(':').append(jsonValue(rs, i));
        }
        write(line.append('}').toString());
      }

      @Override
      public void end(long shown, long more) throws IOException {
        write(first ? "]\n" : "\n]\n");
        super.end(shown, more);
      }
    };
  }

  static String jsonValue(RowSink.Row rs, int i) throws SQLException {
    Object o = rs.value(i);
    if (o == null) {
      return "null";
    }
    if (o instanceof Boolean b) {
      return b.toString();
    }
    if (o instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (o instanceof Number n && !(o instanceof Double d && (d.isNaN() || d.isInfinite()))
        && !(o instanceof Float f && (f.isNaN() || f.isInfinite()))) {
      return n.toString();
    }
    return jsonString(rs.text(i));
  }

  static String jsonString(String s) {
    return twin.protocol.JsonText.quote(s);
  }

  /** An aligned table printed when the result ends; keeps the shown rows (and their values) for the caller. */
  public static final class Table implements RowSink {
    private final Writer out;
    private List<String> labels = List.of();
    private final List<String[]> texts = new ArrayList<>();
    private final List<Object[]> values = new ArrayList<>();
    private final boolean keepValues;
    private long updated = -1;

    public Table(Writer out, boolean keepValues) {
      this.out = out;
      this.keepValues = keepValues;
    }

    @Override
    public boolean needsValues() {
      return keepValues;
    }

    /** The column labels of the last result set. */
    public List<String> labels() {
      return labels;
    }

    /** The shown rows of the last result set as JDBC objects. */
    public List<Object[]> values() {
      return values;
    }

    @Override
    public void columns(List<String> labels) {
      this.labels = labels;
      texts.clear();
      values.clear();
    }

    @Override
    public void row(Row rs) throws SQLException {
      String[] t = new String[labels.size()];
      Object[] v = keepValues ? new Object[labels.size()] : null;
      for (int i = 0; i < t.length; i++) {
        String s = rs.text(i + 1);
        t[i] = s == null ? "" : s;
        if (v != null) {
          v[i] = rs.value(i + 1);
        }
      }
      texts.add(t);
      if (v != null) {
        values.add(v);
      }
    }

    @Override
    public void end(long shown, long more) throws IOException {
      int[] w = new int[labels.size()];
      for (int i = 0; i < w.length; i++) {
        w[i] = width(labels.get(i));
        for (String[] r : texts) {
          w[i] = Math.max(w[i], width(r[i]));
        }
      }
      StringBuilder b = new StringBuilder();
      line(b, labels.toArray(new String[0]), w);
      for (int i = 0; i < w.length; i++) {
        b.append(i == 0 ? "" : "+").append("-".repeat(w[i] + 2));
      }
      b.append('\n');
      for (String[] r : texts) {
        line(b, r, w);
        if (b.length() >= CHUNK) {
          out.write(b.toString());
          out.flush();
          b.setLength(0);
        }
      }
      b.append('(').append(shown).append(shown == 1 ? " row)" : " rows)").append('\n');
      if (more > 0) {
        b.append("... ").append(more).append(more == 1 ? " more row" : " more rows").append('\n');
      }
      out.write(b.toString());
      out.flush();
    }

    /** The row count of the last statement without rows, or -1. */
    public long updatedCount() {
      return updated;
    }

    @Override
    public void updated(long count) throws IOException {
      updated = count;
      out.write(count + (count == 1 ? " row" : " rows") + " affected\n");
      out.flush();
    }

    private static void line(StringBuilder b, String[] cells, int[] w) {
      for (int i = 0; i < w.length; i++) {
        String c = cells[i].replace("\n", "\\n");
        b.append(i == 0 ? " " : " | ").append(c).append(" ".repeat(w[i] - width(c)));
      }
      b.append('\n');
    }

    private static int width(String s) {
      return s.replace("\n", "\\n").codePointCount(0, s.replace("\n", "\\n").length());
    }
  }
}
