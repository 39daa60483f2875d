package twin.runtime.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqliteTextTest {
  @ParameterizedTest
  @ValueSource(strings = {
      "select 1; select 2",
      "select 1;select 2;",
      "delete from orders where id = 1; -- then\n delete from orders",
      "select ';' ; select 2",
      "select 1; /* a comment */ select 2",
  })
  void aSecondStatementIsFound(String sql) {
    assertThat(SqliteText.hasSecondStatement(sql)).as(sql).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "select 1",
      "select 1;",
      "select 1 ;  \n ; ",
      "select 1; -- a trailing comment",
      "select 1; /* a trailing comment */",
      "select 'a;b', \"c;d\", [e;f], `g;h` from t",
      "select 'it''s; fine'",
      "select 1 -- ; select 2",
      "select /* ; select 2 */ 1",
      "create trigger t after insert on a begin update b set n = n + 1; update c set n = 0; end;",
      "select 'unterminated; select 2",
  })
  void oneStatementIsOne(String sql) {
    assertThat(SqliteText.hasSecondStatement(sql)).as(sql).isFalse();
  }
}
