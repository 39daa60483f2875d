package twin.supervisor;

/** A client's handle on one REPL session inside a twin, in this process or through a supervisor's socket. */
public interface TwinSession {
  /** Sends text to the session's reader; it may hold several forms, or part of one. */
  void send(String text);

  /** Asks the twin to interrupt this session's running evaluation. */
  void interrupt();

  /** Ends the session; the twin keeps running. */
  void close();

  /**
   * Ends the session because its client went away (its connection ended before the session did):
   * the twin drops the input it queued and interrupts its running evaluation, as Ctrl-C would.
   */
  default void clientGone() {
    close();
  }
}
