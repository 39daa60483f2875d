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

  /**
   * {@code printer} with the location of errors, which Clojure gives as {@code (REPL:3:1)}, named
   * as {@code (source:3:1)}; {@code printer} itself when {@code source} is null.
   */
  static Printer locatedIn(Printer printer, String source) {
    if (source == null) {
      return printer;
    }
    String named = "(" + source + ":";
    return new Printer() {
      @Override public void value(String printed) { printer.value(printed); }
      @Override public void error(String message) { printer.error(message.replace("(REPL:", named)); }
      @Override public void out(String text) { printer.out(text); }
      @Override public void err(String text) { printer.err(text); }
      @Override public void service(String line) { printer.service(line); }
      @Override public void notice(String message) { printer.notice(message); }
    };
  }
}
