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

  public static String describe(List<Map<String, String>> records) {
    StringBuilder sb = new StringBuilder();
    for (Map<String, String> r : records) {
      String time = r.getOrDefault("time", "");
      switch (r.getOrDefault("type", "")) {
        case "session-start" -> sb.append("== ").append(r.get("twin")).append(" (").append(r.get("profile"))
            .append(") ").append(r.get("kind")).append(" session by ").append(r.get("user"))
            .append(nullable(" sudo from ", r.get("sudo_user"))).append(nullable(" loginuid ", r.get("loginuid")))
            .append(" at ").append(time).append(nullable("\n   reason: ", r.get("reason"))).append('\n');
        case "input" -> sb.append(time).append(" > ").append(r.get("text").strip().replace("\n", "\n    ")).append('\n');
        case "result" -> sb.append(time).append("   ").append("true".equals(r.get("ok")) ? "=> " + r.get("value")
            : "!! " + r.get("error").replace("\n", " ")).append("  (").append(r.get("ms")).append(" ms)\n");
        case "interrupt" -> sb.append(time).append("   ^C interrupt\n");
        case "notice" -> sb.append(time).append("   -- ").append(r.get("text")).append('\n');
        case "session-end" -> sb.append(time).append(" == end: ").append(r.get("reason"))
            .append(nullable("; evaluation ", r.get("evaluation"))).append('\n');
        default -> sb.append(time).append(" ").append(r).append('\n');
      }
    }
    return sb.toString();
  }

  private static String nullable(String label, String value) {
    return value == null || value.equals("null") || value.isEmpty() ? "" : label + value;
  }
}
