package twin.client;

/** Where a client shows what a session sends back; implementations redact secrets. */
public interface Printer {
  /** A printed value of a successful evaluation. */
  void value(String printed);

  /** An evaluation's error, as Clojure's REPL would describe it. */
  void error(String message);

  /** Text the session printed to {@code *out*}. */
  void out(String text);

  /** Text the session printed to {@code *err*}. */
  void err(String text);

  /** A line the service's own code printed to the twin's stdout or stderr. */
  void service(String line);

  /** A message from twin itself. */
  void notice(String message);
}
