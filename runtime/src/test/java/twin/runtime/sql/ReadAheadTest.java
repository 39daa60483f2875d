package twin.runtime.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ReadAheadTest {
  /** A result set of {@code count} rows (id, "row-id"), read on whichever thread calls it. */
  static final class Rows implements ReadAhead.RowSource, RowSink.Row {
    final int count;
    final AtomicInteger at = new AtomicInteger();
    final List<String> threads = new ArrayList<>();
    volatile int failAt = -1;
    volatile CountDownLatch blockAt;
    volatile int blockRow = -1;
    final AtomicInteger valueCalls = new AtomicInteger();

    Rows(int count) {
      this.count = count;
    }

    @Override
    public boolean next() throws SQLException {
      int row = at.incrementAndGet();
      if (row == 1) {
        threads.add(Thread.currentThread().getName());
      }
      if (row == failAt) {
        throw new SQLException("connection lost", "08006");
      }
      if (row == blockRow) {
        try {
          blockAt.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return row <= count;
    }

    @Override
    public String text(int column) {
      return column == 1 ? Integer.toString(at.get()) : "row-" + at.get();
    }

    @Override
    public Object value(int column) {
      valueCalls.incrementAndGet();
      return column == 1 ? at.get() : "row-" + at.get();
    }
  }

  /** Keeps what it is given, and the thread that gave it. */
  static class Kept implements RowSink {
    final List<String> rows = new ArrayList<>();
    final List<String> threads = new ArrayList<>();
    long shown = -1;
    long more = -1;
    boolean brokenOff;
    boolean values;

    @Override
    public void columns(List<String> labels) {}

    @Override
    public void row(Row row) throws SQLException, IOException {
      threads.add(Thread.currentThread().getName());
      rows.add(row.text(1) + "," + row.text(2) + (values ? "," + row.value(1) : ""));
    }

    @Override
    public void end(long shown, long more) {
      this.shown = shown;
      this.more = more;
    }

    @Override
    public void brokenOff() {
      brokenOff = true;
    }

    @Override
    public void updated(long count) {}

    @Override
    public boolean needsValues() {
      return values;
    }
  }

  @Test
  void passesEveryRowInOrderOnTheCallersThreadWhileAnotherReads() throws Exception {
    Rows rows = new Rows(10_000);
    Kept sink = new Kept();
    ReadAhead.feed(rows, rows, 2, sink, -1, null);
    assertThat(sink.rows).hasSize(10_000);
    assertThat(sink.rows.get(0)).isEqualTo("1,row-1");
    assertThat(sink.rows.get(9_999)).isEqualTo("10000,row-10000");
    assertThat(sink.shown).isEqualTo(10_000);
    assertThat(sink.more).isZero();
    assertThat(sink.threads).containsOnly(Thread.currentThread().getName());
    assertThat(rows.threads).containsExactly("twin-sql-read");
    assertThat(rows.valueCalls).hasValue(0);
  }

  @Test
  void showsAtMostMaxRowsAndCountsTheRest() throws Exception {
    Rows rows = new Rows(1_000);
    Kept sink = new Kept();
    sink.values = true;
    ReadAhead.feed(rows, rows, 2, sink, 3, null);
    assertThat(sink.rows).containsExactly("1,row-1,1", "2,row-2,2", "3,row-3,3");
    assertThat(sink.shown).isEqualTo(3);
    assertThat(sink.more).isEqualTo(997);
    assertThat(rows.valueCalls).as("values only of shown rows").hasValue(6);
  }

  @Test
  void aFailureMidStreamComesAfterTheRowsBeforeIt() {
    Rows rows = new Rows(10_000);
    rows.failAt = 5_001;
    Kept sink = new Kept();
    assertThatThrownBy(() -> ReadAhead.feed(rows, rows, 2, sink, -1, null))
        .isInstanceOf(SQLException.class).hasMessage("connection lost");
    assertThat(sink.rows).hasSize(5_000);
    assertThat(sink.brokenOff).isTrue();
    assertThat(sink.shown).isEqualTo(-1);
  }

  @Test
  void aSinkThatFailsStopsTheReaderBeforeFeedReturns() {
    Rows rows = new Rows(Integer.MAX_VALUE);
    Kept sink = new Kept() {
      @Override
      public void row(Row row) throws SQLException, IOException {
        super.row(row);
        if (rows.size() == 300) {
          throw new IOException("Broken pipe");
        }
      }
    };
    assertThatThrownBy(() -> ReadAhead.feed(rows, rows, 2, sink, -1, null)).hasMessage("Broken pipe");
    int readWhenDone = rows.at.get();
    assertThat(readWhenDone).as("the reader stayed a few batches ahead").isLessThan(300 + 10 * ReadAhead.BATCH_ROWS);
    assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("twin-sql-read"));
    assertThat(rows.at.get()).isEqualTo(readWhenDone);
  }

  @Test
  void anInterruptWhileTheReaderWaitsEndsTheFeedAfterTheReaderLetGo() throws Exception {
    Rows rows = new Rows(1_000);
    rows.blockRow = 10;
    rows.blockAt = new CountDownLatch(1);
    Kept sink = new Kept();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicBoolean readerGoneWhenThrown = new AtomicBoolean();
    Thread caller = new Thread(() -> {
      try {
        ReadAhead.feed(rows, rows, 2, sink, -1, null);
      } catch (Throwable t) {
        readerGoneWhenThrown.set(Thread.getAllStackTraces().keySet().stream()
            .noneMatch(r -> r.getName().equals("twin-sql-read")));
        thrown.set(t);
      }
    });
    caller.start();
    while (rows.at.get() < 10) {
      Thread.sleep(5);
    }
    caller.interrupt();
    Thread.sleep(100);
    assertThat(caller.isAlive()).as("waits for the reader to leave the result set").isTrue();
    rows.blockAt.countDown();
    caller.join(5_000);
    assertThat(thrown.get()).isInstanceOf(SqlFailure.class).hasMessage("interrupted");
    assertThat(readerGoneWhenThrown).isTrue();
    assertThat(sink.brokenOff).isTrue();
  }
}
