package twin.client;

import java.io.PrintWriter;
import twin.secret.Redactor;

/**
 * Prints one record per evaluated form, for machines: JSON objects or EDN maps, one per line,
 * with what the form printed to *out* and *err* attached. Errors also go to stderr.
 */
public final class StructuredPrinter implements Printer {
  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean json;
  private final Redactor redactor;
  private final StringBuilder printed = new StringBuilder();
  private final StringBuilder errText = new StringBuilder();

  public StructuredPrinter(PrintWriter out, PrintWriter err, boolean json, Redactor redactor) {
    this.out = out;
    this.err = err;
    this.json = json;
    this.redactor = redactor;
  }

  @Override
  public synchronized void value(String value) {
    record(true, "value", value);
  }

  @Override
  public synchronized void error(String message) {
    err.println(redactor.redact(message.strip()));
    err.flush();
    record(false, "error", message.strip());
  }

  private void record(boolean ok, String key, String text) {
    StringBuilder sb = new StringBuilder(json ? "{" : "{");
    field(sb, "ok", ok ? "true" : "false", false);
    field(sb, key, quote(redactor.redact(text)), true);
    if (printed.length() > 0) {
      field(sb, "out", quote(redactor.redact(printed.toString())), true);
    }
    if (errText.length() > 0) {
      field(sb, "err", quote(redactor.redact(errText.toString())), true);
    }
    sb.append('}');
    out.println(sb);
    out.flush();
    printed.setLength(0);
    errText.setLength(0);
  }

  private void field(StringBuilder sb, String key, String value, boolean more) {
    if (more) {
      sb.append(json ? "," : " ");
    }
    sb.append(json ? jsonString(key) + ":" : ":" + key + " ").append(value);
  }

  private String quote(String s) {
    return json ? jsonString(s) : ednString(s);
  }

  @Override
  public synchronized void out(String text) {
    printed.append(text);
  }

  @Override
  public synchronized void err(String text) {
    errText.append(text);
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

  /** Output printed after the last form has no record to join: show it on stderr. */
  public synchronized void finish() {
    if (printed.length() > 0 || errText.length() > 0) {
      err.print(redactor.redact(printed.toString() + errText));
      err.flush();
    }
  }

  public static String jsonString(String s) {
    return twin.audit.Json.string(s);
  }

  /** An EDN string on one line: \\t \\r \\n escaped, other control characters as \\uXXXX (as Clojure reads them). */
  static String ednString(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '"' -> sb.append("\\\"");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
