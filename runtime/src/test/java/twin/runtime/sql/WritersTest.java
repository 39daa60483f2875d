package twin.runtime.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WritersTest {
  /** A row of fixed values, as a result set would give them. */
  static RowSink.Row row(Object... values) {
    return new RowSink.Row() {
      @Override
      public String text(int column) {
        Object v = values[column - 1];
        return v == null ? null : v.toString();
      }

      @Override
      public Object value(int column) {
        return values[column - 1];
      }
    };
  }

  @Test
  void csvQuotesLikePsql() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    RowSink csv = Writers.csv(out, err);
    csv.columns(List.of("id", "a,b"));
    csv.row(row(1, "plain"));
    csv.row(row(2, null));
    csv.row(row(3, ""));
    csv.row(row(4, "say \"hi\""));
    csv.row(row(5, "two\nlines"));
    csv.row(row(6, "\\."));
    csv.row(row(7, " spaced "));
    csv.end(7, 2);
    assertThat(out.toString()).isEqualTo("id,\"a,b\"\n1,plain\n2,\n3,\n4,\"say \"\"hi\"\"\"\n5,\"two\nlines\"\n"
        + "6,\"\\.\"\n7, spaced \n");
    assertThat(err.toString()).isEqualTo("twin: ... 2 more rows (not shown; use --all or --max-rows)\n");
  }

  /** Records each write and flush its writer gets, as the session's output would see them. */
  static final class Recording extends java.io.Writer {
    final List<String> writes = new java.util.ArrayList<>();
    int flushes;

    @Override
    public void write(char[] c, int off, int len) {
      writes.add(new String(c, off, len));
    }

    @Override
    public void flush() {
      flushes++;
    }

    @Override
    public void close() {}
  }

  @Test
  void rowsGoOutAChunkAtATimeInOrder() throws Exception {
    Recording out = new Recording();
    RowSink csv = Writers.csv(out, null);
    csv.columns(List.of("n", "text"));
    StringBuilder expected = new StringBuilder("n,text\n");
    for (int i = 0; i < 1000; i++) {
      csv.row(row(i, "row number " + i));
      expected.append(i).append(",row number ").append(i).append('\n');
    }
    csv.end(1000, 0);
    assertThat(String.join("", out.writes)).isEqualTo(expected.toString());
    assertThat(out.writes).as("one write per chunk, not per row").hasSizeBetween(2, expected.length() / Writers.CHUNK + 1);
    assertThat(out.writes.subList(0, out.writes.size() - 1)).allSatisfy(w -> assertThat(w.length())
        .isBetween(Writers.CHUNK, Writers.CHUNK + 100));
    assertThat(out.flushes).isEqualTo(out.writes.size());
  }

  @Test
  void rowsReadBeforeAResultBreaksOffAreStillPassedOn() throws Exception {
    Recording out = new Recording();
    RowSink csv = Writers.csv(out, null);
    csv.columns(List.of("n"));
    csv.row(row(1));
    csv.row(row(2));
    csv.brokenOff();
    assertThat(String.join("", out.writes)).isEqualTo("n\n1\n2\n");
  }

  @Test
  void jsonKeepsNumbersAndBooleansAndEscapesText() throws Exception {
    StringWriter out = new StringWriter();
    RowSink json = Writers.json(out, null);
    json.columns(List.of("n", "ok", "t"));
    json.row(row(1L, true, "a\"b\n\u0001"));
    json.row(row(new java.math.BigDecimal("1.50"), null, null));
    json.end(2, 0);
    assertThat(out.toString()).isEqualTo("[\n{\"n\":1,\"ok\":true,\"t\":\"a\\\"b\\n\\u0001\"},\n"
        + "{\"n\":1.50,\"ok\":null,\"t\":null}\n]\n");
  }

  @Test
  void tableAlignsAndSaysHowManyMore() throws Exception {
    StringWriter out = new StringWriter();
    Writers.Table t = new Writers.Table(out, true);
    t.columns(List.of("id", "name"));
    t.row(row(1, "Ada"));
    t.row(row(22, null));
    t.end(2, 3);
    assertThat(out.toString()).isEqualTo(" id | name\n----+------\n 1  | Ada \n 22 |     \n(2 rows)\n... 3 more rows\n");
    assertThat(t.values()).hasSize(2);
  }

  @Test
  void variablesResolveFromTheEnvironmentAndAnUnsetOneIsNamed() {
    DbSpec spec = new DbSpec("main", "jdbc:postgresql://${HOST}:5432/x", null, null, DbSpec.READ_ONLY,
        Duration.ofSeconds(1), Duration.ofSeconds(1), 500, 1000, null, null, null);
    assertThat(spec.resolve("url", spec.url(), Map.of("HOST", "db.internal")::get))
        .isEqualTo("jdbc:postgresql://db.internal:5432/x");
    assertThatThrownBy(() -> spec.resolve("url", spec.url(), Map.<String, String>of()::get))
        .hasMessage("database 'main': url uses ${HOST}, which is not set in the twin's environment");
  }

  @Test
  void durationsAndSqliteFiles() {
    assertThat(DbSpec.duration("500ms", null)).isEqualTo(Duration.ofMillis(500));
    assertThat(DbSpec.duration("2m", null)).isEqualTo(Duration.ofMinutes(2));
    assertThat(SqlSession.sqliteFile("jdbc:sqlite:var/demo.db")).isEqualTo(Path.of("var/demo.db"));
    assertThat(SqlSession.sqliteFile("jdbc:sqlite:file:/tmp/x.db?mode=ro")).isEqualTo(Path.of("/tmp/x.db"));
    assertThat(SqlSession.sqliteFile("jdbc:sqlite::memory:")).isNull();
  }
}
