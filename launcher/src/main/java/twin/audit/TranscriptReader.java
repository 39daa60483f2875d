package twin.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import twin.Os;
import twin.TwinException;

/** Reads transcripts for people: the records of a file, and a readable rendering of a session. */
public final class TranscriptReader {
  private TranscriptReader() {}

  /** The records that parse; a damaged line ends the list (verify says why). */
  public static List<Map<String, String>> read(Path file) {
    List<Map<String, String>> records = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        try {
          records.add(Json.parse(line));
        } catch (IllegalArgumentException e) {
          break;
        }
      }
    } catch (IOException e) {
      throw TwinException.usage("cannot read " + file + ": " + Os.reason(e));
    }
    return records;
  }

  /**
   * A session for people. Every field is shown with its control characters escaped, so that no
   * text a client chose (a reason, a form, a value) can draw a line that looks like a record or
   * reach the reader's terminal as an escape sequence; a form or value of several lines goes on in
   * indented lines, where no record starts.
   */
  public static String describe(List<Map<String, String>> records) {
    StringBuilder sb = new StringBuilder();
    for (Map<String, String> r : records) {
      String time = line(r.getOrDefault("time", ""));
      switch (r.getOrDefault("type", "")) {
        case "session-start" -> sb.append("== ").append(line(r.get("twin"))).append(" (").append(line(r.get("profile")))
            .append(") ").append(line(r.get("kind"))).append(" session by ").append(line(r.get("user")))
            .append(nullable(" sudo from ", r.get("sudo_user"))).append(nullable(" loginuid ", r.get("loginuid")))
            .append(" at ").append(time).append(nullable("\n   reason: ", r.get("reason"))).append('\n');
        case "input" -> sb.append(time).append(" > ").append(lines(r.get("text").strip())).append('\n');
        case "result" -> sb.append(time).append("   ").append("true".equals(r.get("ok")) ? "=> " + lines(r.get("value"))
            : "!! " + line(r.get("error"))).append("  (").append(line(r.get("ms"))).append(" ms)\n");
        case "interrupt" -> sb.append(time).append("   ^C interrupt\n");
        case "notice" -> sb.append(time).append("   -- ").append(line(r.get("text"))).append('\n');
        case "session-end" -> sb.append(time).append(" == end: ").append(line(r.get("reason")))
            .append(nullable("; evaluation ", r.get("evaluation"))).append('\n');
        default -> sb.append(time).append(" ").append(line(String.valueOf(r))).append('\n');
      }
    }
    return sb.toString();
  }

  /** One line: line breaks and every other control character escaped (\n, \x1b), for a terminal. */
  public static String line(String text) {
    return escape(text, false);
  }

  /** Lines: each break starts an indented line; other control characters escaped. */
  static String lines(String text) {
    return escape(text, true);
  }

  private static String escape(String text, boolean breaks) {
    if (text == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        sb.append(breaks ? "\n    " : "\\n");
      } else if (c == '\r') {
        sb.append("\\r");
      } else if (c == '\t') {
        sb.append(breaks ? "\t" : "\\t");
      } else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029') {
        sb.append(String.format("\\x%02x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static String nullable(String label, String value) {
    return value == null || value.equals("null") || value.isEmpty() ? "" : label + line(value);
  }
}
