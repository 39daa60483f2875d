package twin.client;

import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C while a command line's forms run in a twin ({@code eval}, {@code run}, {@code sql}): the
 * first interrupts the evaluation, so a running SQL statement is cancelled on the server rather
 * than left running there after the client is gone, and the command ends as the evaluation does;
 * a second one leaves at once, as Ctrl-C does elsewhere (exit 130).
 */
public final class CtrlC implements AutoCloseable {
  private static final Signal INT = new Signal("INT");
  private final SignalHandler previous;

  private CtrlC(SignalHandler previous) {
    this.previous = previous;
  }

  /** Runs {@code first} on the first Ctrl-C until {@link #close}; a JVM that keeps SIGINT to itself gets none. */
  public static CtrlC interrupting(Runnable first) {
    return interrupting(first, () -> { });
  }

  /**
   * Like {@link #interrupting(Runnable)}, running {@code leaving} on the second Ctrl-C before
   * the command leaves, e.g. to say what it leaves running.
   */
  public static CtrlC interrupting(Runnable first, Runnable leaving) {
    AtomicBoolean seen = new AtomicBoolean();
    SignalHandler[] before = new SignalHandler[1];
    try {
      before[0] = Signal.handle(INT, signal -> {
        if (seen.compareAndSet(false, true)) {
          first.run();
        } else if (before[0] != null) {
          leaving.run();
          before[0].handle(signal);
        }
      });
    } catch (IllegalArgumentException e) {
      return new CtrlC(null); // -Xrs, or the signal is not available: Ctrl-C keeps its default
    }
    return new CtrlC(before[0]);
  }

  @Override
  public void close() {
    if (previous != null) {
      Signal.handle(INT, previous);
    }
  }
}
