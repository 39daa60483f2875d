package twin.runtime.sql;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Passes a result set's rows to a sink while a thread of its own reads the next ones. With a fetch
 * size the database stops after each batch until the driver asks for the next; read on the sink's
 * thread, the database waited while rows were formatted and sent, and the sink waited while the
 * database made rows. The reader stays a few small batches ahead (bounded in rows and characters,
 * so memory stays flat), and the caller's thread alone runs the sink, whose output is its session's.
 */
final class ReadAhead {
  static final int BATCH_ROWS = 256;
  static final int BATCH_CHARS = 64 * 1024;
  static final int BATCHES = 4;

  /** One row as read: its texts, and its values when the sink asked for them. */
  private record Read(String[] texts, Object[] values) implements RowSink.Row {
    @Override
    public String text(int column) {
      return texts[column - 1];
    }

    @Override
    public Object value(int column) {
      if (values == null) {
        throw new IllegalStateException("this sink reads texts only");
      }
      return values[column - 1];
    }
  }

  /** Moves to the next row, as {@link java.sql.ResultSet#next}. */
  interface RowSource {
    boolean next() throws SQLException;
  }

  /** The reader's last word: how many rows it passed on and counted, and what stopped it early. */
  private record End(long shown, long more, Throwable failure) {}

  private final RowSource next;
  private final RowSink.Row source;
  private final int width;
  private final boolean values;
  private final long maxRows;
  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(BATCHES + 1);
  private final Thread thread;
  private volatile boolean stopped;

  private ReadAhead(RowSource next, RowSink.Row source, int width, boolean values, long maxRows) {
    this.next = next;
    this.source = source;
    this.width = width;
    this.values = values;
    this.maxRows = maxRows;
    this.thread = new Thread(this::read, "twin-sql-read");
    thread.setDaemon(true);
  }

  /**
   * Passes the rows that {@code next} moves {@code source} to on to {@code sink}: at most
   * {@code maxRows} shown (negative: all), the rest counted. An interrupt of the calling thread
   * cancels {@code statement} (when given) and ends the feed; the reader has stopped touching the
   * result set before this returns or throws.
   */
  static void feed(RowSource next, RowSink.Row source, int width, RowSink sink, long maxRows, Statement statement)
      throws SQLException, IOException {
    ReadAhead ahead = new ReadAhead(next, source, width, sink.needsValues(), maxRows);
    ahead.thread.start();
    try {
      while (true) {
        Object item = ahead.take(statement);
        if (item instanceof End end) {
          if (end.failure() != null) {
            throw rethrow(end.failure());
          }
          sink.end(end.shown(), end.more());
          return;
        }
        for (Object row : (List<?>) item) {
          sink.row((Read) row);
        }
        if (Thread.interrupted()) {
          throw interrupted(statement);
        }
      }
    } catch (SQLException | RuntimeException e) {
      ahead.stop();
      brokenOff(sink, e);
      throw e;
    } finally {
      ahead.stop();
    }
  }

  /** Has {@code sink} pass on the rows it holds before {@code failure} is thrown. */
  static void brokenOff(RowSink sink, Exception failure) {
    try {
      sink.brokenOff();
    } catch (IOException closed) {
      failure.addSuppressed(closed);
    }
  }

  private Object take(Statement statement) {
    try {
      return queue.take();
    } catch (InterruptedException e) {
      throw interrupted(statement);
    }
  }

  private static SqlFailure interrupted(Statement statement) {
    if (statement != null) {
      SqlSession.cancelQuietly(statement);
    }
    return new SqlFailure("interrupted");
  }

  /**
   * A failure on another thread (or behind reflection), thrown here as it would have been thrown
   * there; anything else than an SQLException, a RuntimeException or an Error comes back as a
   * SqlFailure for the caller to throw.
   */
  static SqlFailure rethrow(Throwable t) throws SQLException {
    if (t instanceof SQLException s) {
      throw s;
    }
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new SqlFailure(String.valueOf(t.getMessage()));
  }

  private void read() {
    long shown = 0;
    long more = 0;
    List<Read> batch = new ArrayList<>();
    long chars = 0;
    Throwable failure = null;
    try {
      while (!stopped && next.next()) {
        if (maxRows >= 0 && shown >= maxRows) {
          more++;
          continue;
        }
        String[] texts = new String[width];
        Object[] vals = values ? new Object[width] : null;
        for (int i = 0; i < width; i++) {
          texts[i] = source.text(i + 1);
          chars += texts[i] == null ? 1 : texts[i].length() + 1;
          if (vals != null) {
            vals[i] = source.value(i + 1);
            chars += 16;
          }
        }
        batch.add(new Read(texts, vals));
        shown++;
        if (batch.size() >= BATCH_ROWS || chars >= BATCH_CHARS) {
          put(batch);
          batch = new ArrayList<>();
          chars = 0;
        }
      }
    } catch (Throwable t) {
      failure = t;
    }
    if (!batch.isEmpty()) {
      put(batch);
    }
    put(new End(shown, more, failure));
  }

  /** Waits for room; gives up once the feed has stopped (nobody will take it). */
  private void put(Object item) {
    try {
      while (!stopped) {
        if (queue.offer(item, 50, TimeUnit.MILLISECONDS)) {
          return;
        }
      }
    } catch (InterruptedException e) {
      stopped = true;
    }
  }

  /** Stops the reader and waits until it has left the result set (it finishes a fetch under way). */
  private void stop() {
    stopped = true;
    boolean interrupted = false;
    while (thread.isAlive()) {
      queue.clear();
      try {
        thread.join(50);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
