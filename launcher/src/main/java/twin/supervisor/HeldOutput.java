package twin.supervisor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Holds the twin's output until it has started: if it dies at start, its last lines go into the
 * one error report instead of being printed twice; once it runs, they are passed on in order.
 */
final class HeldOutput implements Consumer<String> {
  private final Consumer<String> sink;
  private List<String> held = new ArrayList<>();

  HeldOutput(Consumer<String> sink) {
    this.sink = sink;
  }

  @Override
  public synchronized void accept(String line) {
    if (held != null) {
      held.add(line);
    } else {
      sink.accept(line);
    }
  }

  /** Passes on what was held, and everything from now on. */
  synchronized void release() {
    if (held != null) {
      held.forEach(sink);
      held = null;
    }
  }
}
