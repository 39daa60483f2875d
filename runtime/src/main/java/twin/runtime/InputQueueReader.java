package twin.runtime;

import java.io.Reader;

/**
 * The reader a session's REPL reads from: text arrives in EVAL frames. When the REPL has consumed
 * everything and asks for more, {@code onIdle} runs once, which is how the client learns that
 * every form it sent has been evaluated. Interrupts never break a read: they are meant for the
 * evaluation, and one that lands after it ended must not end the session.
 */
final class InputQueueReader extends Reader {
  private final StringBuilder pending = new StringBuilder();
  private final Runnable onIdle;
  private boolean closed;
  private boolean waiting;

  InputQueueReader(Runnable onIdle) {
    this.onIdle = onIdle;
  }

  synchronized void feed(String text) {
    pending.append(text);
    notifyAll();
  }

  /** Drops the input not read yet: forms its client queued and will never see the results of. */
  synchronized void discard() {
    pending.setLength(0);
  }

  synchronized void finish() {
    closed = true;
    notifyAll();
  }

  /** True while the REPL waits for input, so nothing of this session is running. */
  synchronized boolean isWaiting() {
    return waiting;
  }

  @Override
  public int read(char[] buf, int off, int len) {
    boolean announced = false;
    synchronized (this) {
      while (pending.length() == 0 && !closed) {
        if (!announced) {
          waiting = true;
          announced = true;
          // Run outside the lock would be nicer, but the order of READY after RET matters more,
          // and onIdle only writes a frame.
          onIdle.run();
        }
        try {
          wait();
        } catch (InterruptedException e) {
          // A late interrupt for an evaluation that already ended: swallow it.
        }
      }
      waiting = false;
      Thread.interrupted();
      if (pending.length() == 0) {
        return -1;
      }
      int n = Math.min(len, pending.length());
      pending.getChars(0, n, buf, off);
      pending.delete(0, n);
      return n;
    }
  }

  /** True when text has arrived that was not read yet: a read would not wait. */
  @Override
  public synchronized boolean ready() {
    return pending.length() > 0 || closed;
  }

  @Override
  public void close() {
    finish();
  }
}
