package twin.runtime;

import clojure.lang.RT;
import java.io.IOException;
import java.io.Writer;
import java.util.function.Consumer;

/**
 * A session's output without Clojure's {@code *out*} in between, for bulk output ({@code twin
 * sql}): each string written goes out as one output frame of the session the calling thread
 * runs. {@code *out*} (a PrintWriter over a buffered writer over a proxy over a string builder)
 * copies every chunk four times on the way; this sends it as it is.
 */
public final class SessionOutput {
  private static final ThreadLocal<Consumer<String>> CURRENT = new ThreadLocal<>();

  private SessionOutput() {}

  static void set(Consumer<String> send) {
    CURRENT.set(send);
  }

  static void clear() {
    CURRENT.remove();
  }

  /**
   * A writer to the calling thread's session, or null when the thread runs none. Only for a
   * caller whose {@code *out*} is the session's own (it is not rebound): what {@code *out*} holds
   * is flushed first, so output stays in order.
   */
  public static Writer current() {
    Consumer<String> send = CURRENT.get();
    if (send == null) {
      return null;
    }
    return new Writer() {
      private boolean flushedOut;

      @Override
      public void write(String s) throws IOException {
        if (s.isEmpty()) {
          return;
        }
        if (!flushedOut) {
          ((Writer) RT.OUT.deref()).flush();
          flushedOut = true;
        }
        send.accept(s);
      }

      @Override
      public void write(char[] chars, int off, int len) throws IOException {
        write(new String(chars, off, len));
      }

      @Override
      public void flush() {
        // every write went out whole
      }

      @Override
      public void close() {
        // the session's output stays open
      }
    };
  }
}
