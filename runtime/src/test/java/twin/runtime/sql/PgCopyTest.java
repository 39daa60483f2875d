package twin.runtime.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PgCopyTest {
  static String wrapped(String body) {
    return "COPY (" + body + "\n) TO STDOUT (FORMAT csv, HEADER)";
  }

  @Test
  void plainQueriesAreWrapped() {
    assertThat(PgCopy.statement("select 1")).isEqualTo(wrapped("select 1"));
    assertThat(PgCopy.statement("  SELECT i FROM t;  ;\n")).isEqualTo(wrapped("SELECT i FROM t"));
    assertThat(PgCopy.statement("with x as (select 1) select * from x")).isNotNull();
    assertThat(PgCopy.statement("values (1, 'a')")).isNotNull();
    assertThat(PgCopy.statement("table items")).isNotNull();
    assertThat(PgCopy.statement("-- why\n/* a /* nested */ note */ select f(')', \"a)\", 'it''s') -- the end"))
        .isEqualTo(wrapped("-- why\n/* a /* nested */ note */ select f(')', \"a)\", 'it''s') -- the end"));
    assertThat(PgCopy.statement("select 1 - 2 / 3")).isNotNull();
  }

  @Test
  void anythingElseRunsTheUsualWay() {
    for (String sql : List.of(
        "explain select 1", "show timezone", "insert into t values (1)", "(select 1)", "selectx", "",
        "-- only a comment", "/* unterminated select 1", "select 1 /* unterminated",
        "select 1; select 2", "select 1; -- two", "select $$)$$", "select $1", "select a$b from t",
        "select E'\\')'", "select 'a\\' )", "select 'unterminated", "select \"unterminated",
        "select 1) to stdout (format text) --", "select (1", "select ')' ) --", "select 1 \\g")) {
      assertThat(PgCopy.statement(sql)).as(sql).isNull();
    }
  }

  /** One field as COPY (FORMAT csv) writes it: NULL as nothing, so an empty string is quoted. */
  static String copyField(String v, boolean onlyColumn) {
    if (v == null) {
      return "";
    }
    boolean quote = v.isEmpty() || v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")
        || (onlyColumn && v.equals("\\."));
    return quote ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
  }

  /** One field as psql --csv writes it. */
  static String psqlField(String v) {
    if (v == null) {
      return "";
    }
    boolean quote = v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r") || v.equals("\\.");
    return quote ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
  }

  @Test
  void copyCsvBecomesPsqlCsvWhereverThePiecesEnd() {
    String[] atoms = {"a", ",", "\"", "\n", "\r", "\\", ".", "\\.", "ü", "€", "😀", " ", "\"\""};
    Random random = new Random(42);
    for (int round = 0; round < 2000; round++) {
      int width = 1 + random.nextInt(4);
      StringBuilder copy = new StringBuilder();
      StringBuilder psql = new StringBuilder();
      for (int r = 0; r < 1 + random.nextInt(5); r++) {
        for (int c = 0; c < width; c++) {
          String v;
          int kind = random.nextInt(6);
          if (kind == 0) {
            v = null;
          } else if (kind == 1) {
            v = "";
          } else if (kind == 2) {
            v = "\\.";
          } else {
            StringBuilder b = new StringBuilder();
            for (int k = random.nextInt(5); k > 0; k--) {
              b.append(atoms[random.nextInt(atoms.length)]);
            }
            v = b.toString();
          }
          copy.append(c == 0 ? "" : ",").append(copyField(v, width == 1));
          psql.append(c == 0 ? "" : ",").append(psqlField(v));
        }
        copy.append('\n');
        psql.append('\n');
      }
      byte[] bytes = copy.toString().getBytes(StandardCharsets.UTF_8);
      PgCopy.PsqlCsv fix = new PgCopy.PsqlCsv();
      StringBuilder got = new StringBuilder();
      int at = 0;
      while (at < bytes.length) {
        int len = Math.min(bytes.length - at, 1 + random.nextInt(round % 2 == 0 ? 3 : 40));
        byte[] piece = new byte[len];
        System.arraycopy(bytes, at, piece, 0, len);
        got.append(fix.fix(piece, len));
        at += len;
      }
      got.append(fix.finish());
      assertThat(got.toString()).as("COPY's %s", copy).isEqualTo(psql.toString());
    }
  }

  @Test
  void aCharacterCutByAPieceWaitsForItsRest() {
    byte[] euro = "€\n".getBytes(StandardCharsets.UTF_8);
    PgCopy.PsqlCsv fix = new PgCopy.PsqlCsv();
    List<String> texts = new ArrayList<>();
    for (byte b : euro) {
      texts.add(fix.fix(new byte[] {b}, 1));
    }
    assertThat(texts).containsExactly("", "", "€", "\n");
    assertThat(PgCopy.PsqlCsv.complete("a€".getBytes(StandardCharsets.UTF_8), 3)).isEqualTo(1);
    assertThat(PgCopy.PsqlCsv.complete("😀".getBytes(StandardCharsets.UTF_8), 4)).isEqualTo(4);
    assertThat(PgCopy.PsqlCsv.complete(new byte[0], 0)).isZero();
  }
}
