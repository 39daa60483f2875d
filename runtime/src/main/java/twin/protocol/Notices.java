package twin.protocol;

/** Notices whose exact text both ends know, because the client acts on them. */
public final class Notices {
  private Notices() {}

  /**
   * Sent when an interrupted evaluation survived the thread interrupt and the thread stop: the
   * client then offers to leave the session (and a foreground twin restarts) on the next Ctrl-C.
   */
  public static final String UNSTOPPABLE =
      "the evaluation could not be stopped; press Ctrl-C again to leave it behind and restart the twin";

  /**
   * Sent when a session of a script kind (eval, run, sql, piped stdin) stopped at a form that failed,
   * with text after it left unevaluated.
   */
  public static final String STOPPED_AT_ERROR =
      "stopped at the first error: the forms after it were not evaluated";

  /** The {@code CLOSE} field that says the session's client went away (its connection ended). */
  public static final String CLIENT_GONE = "gone";

  /** Sent (and recorded) when a session's client went away while one of its evaluations ran. */
  public static final String INTERRUPTED_CLIENT_GONE =
      "the session's client went away; interrupting its running evaluation";
}
