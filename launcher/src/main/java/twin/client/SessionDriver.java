package twin.client;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import twin.ExitCodes;
import twin.TwinException;
import twin.supervisor.SessionListener;
import twin.supervisor.SessionOpener;
import twin.supervisor.TwinSession;

/**
 * Drives one session as a conversation: send text, show what comes back, wait until the twin
 * has consumed all of it. Counts failed evaluations for the exit code.
 */
public final class SessionDriver implements SessionListener {
  private final Printer printer;
  private final Object lock = new Object();
  private final AtomicInteger failures = new AtomicInteger();
  private TwinSession session;
  private boolean ready;
  private boolean closed;
  private boolean stuck;
  private boolean abandoned;
  private String closeReason;
  private String ns = "user";
  private final CountDownLatch opened = new CountDownLatch(1);

  private volatile String unstoppableText;
  private volatile Runnable onEnd = () -> { };

  public SessionDriver(Printer printer) {
    this.printer = printer;
  }

  /**
   * Shows {@code text} instead of the twin's "press Ctrl-C again ... restart the twin": a detached
   * twin is not restarted by one of its sessions, which only leaves.
   */
  public SessionDriver onUnstoppable(String text) {
    this.unstoppableText = text;
    return this;
  }

  /** Runs {@code action} when the session ends from the twin's side (its end, its death), on the reader's thread. */
  public void onEnd(Runnable action) {
    this.onEnd = action;
  }

  /** True once the twin said the running evaluation could not be stopped. */
  public boolean isStuck() {
    synchronized (lock) {
      return stuck && !ready;
    }
  }

  /** True once the twin said the session ended (or the connection to it did). */
  public boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  /** What an evaluation would fail with now that the session ended. */
  public TwinException ended() {
    synchronized (lock) {
      return new TwinException(ExitCodes.FAILED, closeReason != null ? closeReason : "the session ended");
    }
  }

  /** Opens the session and waits for its first prompt. */
  public SessionDriver open(SessionOpener twin, String kind) {
    session = twin.openSession(kind, this);
    awaitReady();
    return this;
  }

  /** Sends text and waits until every form in it was evaluated; returns the session's namespace. */
  public String eval(String text) {
    synchronized (lock) {
      ready = false;
      stuck = false;
    }
    session.send(text.endsWith("\n") ? text : text + "\n");
    return awaitReady();
  }

  /**
   * Ctrl-C: interrupts the evaluation; once the twin has said it cannot be stopped, abandons it,
   * so that {@link #eval} throws {@link Stuck}.
   */
  public void interrupt() {
    synchronized (lock) {
      if (stuck && !ready) {
        abandoned = true;
        lock.notifyAll();
        return;
      }
    }
    if (session != null) {
      session.interrupt();
    }
  }

  /** The evaluation could not be stopped and the user chose to leave it behind. */
  public static final class Stuck extends RuntimeException {
    Stuck() {
      super("the evaluation could not be stopped", null, false, false);
    }
  }

  /**
   * Ends the session and waits (briefly) until the twin says it has ended, so records are complete
   * and the last answers are in: a form left unfinished is reported only when the input ends. Not
   * after an abandoned evaluation, which keeps the session from ending.
   */
  public void close() {
    if (session == null) {
      return;
    }
    session.close();
    synchronized (lock) {
      long deadline = System.currentTimeMillis() + 3000;
      while (!closed && !abandoned && System.currentTimeMillis() < deadline) {
        try {
          lock.wait(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  public String ns() {
    synchronized (lock) {
      return ns;
    }
  }

  public int failures() {
    return failures.get();
  }

  private String awaitReady() {
    synchronized (lock) {
      while (!ready && !closed && !abandoned) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new TwinException(ExitCodes.FAILED, "interrupted while waiting for the twin");
        }
      }
      if (!ready && abandoned && !closed) {
        throw new Stuck();
      }
      if (!ready) {
        throw ended();
      }
      return ns;
    }
  }

  @Override
  public void onOut(String text) {
    printer.out(text);
  }

  @Override
  public void onErr(String text) {
    printer.err(text);
  }

  @Override
  public void onTap(String printed) {
    printer.notice("tap> " + printed);
  }

  @Override
  public void onResult(String ns, String printed, boolean failed, String form, String ms) {
    if (failed) {
      failures.incrementAndGet();
      printer.error(printed);
    } else {
      printer.value(printed);
    }
  }

  @Override
  public void onReady(String ns) {
    synchronized (lock) {
      this.ns = ns;
      ready = true;
      lock.notifyAll();
    }
  }

  @Override
  public void onNotice(String message) {
    if (twin.protocol.Notices.UNSTOPPABLE.equals(message)) {
      synchronized (lock) {
        stuck = true;
      }
      if (unstoppableText != null) {
        printer.notice(unstoppableText);
        return;
      }
    }
    printer.notice(message);
  }

  @Override
  public void onClosed(String reason) {
    synchronized (lock) {
      closed = true;
      closeReason = reason;
      lock.notifyAll();
    }
    onEnd.run();
  }
}
