package twin.client;

import java.io.PrintWriter;
import twin.secret.Redactor;

/**
 * Prints a session for scripts and pipes: values and {@code *out*} on stdout; errors,
 * {@code *err*} and the service's own output on stderr, so stdout stays clean data.
 */
public final class StreamPrinter implements Printer {
  private final PrintWriter out;
  private final PrintWriter err;
  private final Redactor redactor;

  public StreamPrinter(PrintWriter out, PrintWriter err, Redactor redactor) {
    this.out = out;
    this.err = err;
    this.redactor = redactor;
  }

  @Override
  public synchronized void value(String printed) {
    out.println(redactor.redact(printed));
    out.flush();
  }

  @Override
  public synchronized void error(String message) {
    err.print(redactor.redact(message.endsWith("\n") ? message : message + "\n"));
    err.flush();
  }

  @Override
  public synchronized void out(String text) {
    out.print(redactor.redact(text));
    out.flush();
  }

  @Override
  public synchronized void err(String text) {
    err.print(redactor.redact(text));
    err.flush();
  }

  @Override
  public synchronized void service(String line) {
    err.println(redactor.redact(line));
    err.flush();
  }

  @Override
  public synchronized void notice(String message) {
    err.println("twin: " + redactor.redact(message));
    err.flush();
  }
}
