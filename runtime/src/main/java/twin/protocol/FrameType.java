package twin.protocol;

/** The kinds of frame on the private channel between the supervisor and the twin JVM. */
public enum FrameType {
  /** twin to supervisor, session 0: [token, pid, java.version]. */
  HELLO,
  /** twin to supervisor, session 0: [clojure version] once Clojure and the REPL machinery loaded. */
  BOOTED,
  /** twin to supervisor, session 0: [message] when the twin cannot serve a REPL. */
  BOOT_FAILED,
  /** supervisor to twin: start a REPL session with this id: [client kind]. */
  OPEN,
  /** supervisor to twin: text for the session's reader: [text]. */
  EVAL,
  /** supervisor to twin: interrupt the session's running evaluation. */
  INTERRUPT,
  /**
   * supervisor to twin: end the session (its reader sees end of input): [] or ["gone"] when its
   * client went away, which drops the input it queued and interrupts its running evaluation.
   */
  CLOSE,
  /** supervisor to twin: end the twin JVM. */
  SHUTDOWN,
  /** twin to supervisor: text the session printed to *out*: [text]. */
  OUT,
  /** twin to supervisor: text the session printed to *err*: [text]. */
  ERR,
  /** twin to supervisor: a value sent to tap>: [printed value]. */
  TAP,
  /** twin to supervisor: one evaluation ended: [ns, ms, "ok"|"exception", printed value or error, form]. */
  RET,
  /** twin to supervisor: the session waits for input, all input given so far is consumed: [ns]. */
  READY,
  /** twin to supervisor: something the session should be told: [message]. */
  NOTICE,
  /** twin to supervisor: the session has ended: [reason, or empty]. */
  CLOSED,
  /** client to a detached supervisor, session 0: a request for [key, value, key, value, ...]; and the reply. */
  STATUS,
  /** client to a detached supervisor, session 0: end the twin. */
  STOP
}
