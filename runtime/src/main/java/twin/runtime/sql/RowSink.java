package twin.runtime.sql;

import java.io.IOException;
import java.sql.SQLException;
import java.util.List;

/** Where a statement's results go, one row at a time; only shown rows reach {@link #row}. */
public interface RowSink {
  /** A result set begins: its column labels, in order. */
  void columns(List<String> labels) throws IOException;

  /** One shown row. */
  void row(Row row) throws SQLException, IOException;

  /** The result set ended: {@code shown} rows went to {@link #row}, {@code more} were only counted. */
  void end(long shown, long more) throws IOException;

  /** The result set broke off (an error, an interrupt): pass on the rows that were read. */
  default void brokenOff() throws IOException {}

  /** A statement without rows changed {@code count} rows. */
  void updated(long count) throws IOException;

  /** Whether {@link #row} reads {@link Row#value}s, not only texts (reading them costs a JDBC object per column). */
  default boolean needsValues() {
    return true;
  }

  /** A row being read: its columns as text (as the database prints them) and as JDBC values, from 1. */
  interface Row {
    String text(int column) throws SQLException;

    Object value(int column) throws SQLException;
  }
}
