package twin.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import twin.Os;
import twin.TwinException;

/**
 * Checks a transcript's hash chain: every record must point at the hash of the one before it and
 * carry the next sequence number, and the file must end with a complete session-end record.
 * Names the first line that breaks the chain (lines count from 1, as editors do; a record's
 * {@code seq} from 0).
 */
public final class TranscriptVerifier {
  private TranscriptVerifier() {}

  /** How {@link #problem} begins for a transcript that is intact as far as it goes, but has no end. */
  public static final String NO_END = "the transcript ends after line ";

  /** Null when the transcript is intact, else what is wrong and where. */
  public static String problem(Path file) {
    String text;
    try {
      text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw TwinException.usage("cannot read " + file + ": " + Os.reason(e));
    }
    if (text.isEmpty()) {
      return "the transcript is empty";
    }
    String[] lines = text.split("\n", -1);
    boolean complete = text.endsWith("\n");
    int count = complete ? lines.length - 1 : lines.length;
    String expectedPrev = Transcript.GENESIS;
    String lastType = null;
    for (int i = 0; i < count; i++) {
      int n = i + 1;
      if (!complete && i == count - 1) {
        return "line " + n + " is cut off (the tail of the transcript was truncated)";
      }
      if ("session-end".equals(lastType)) {
        return "line " + n + " follows the session-end record: it was added to a closed transcript";
      }
      Map<String, String> rec;
      try {
        rec = Json.parse(lines[i]);
      } catch (IllegalArgumentException e) {
        return "line " + n + " is not a valid record (" + e.getMessage() + "): it was edited or truncated";
      }
      if (!expectedPrev.equals(rec.get("prev"))) {
        return n == 1 ? "line 1 does not start a chain: records before it were removed"
            : "line " + (n - 1) + " or line " + n + " was edited, or records around them were removed, added or "
                + "reordered (line " + n + " does not point back to line " + (n - 1) + ")";
      }
      if (!String.valueOf(i).equals(rec.get("seq"))) {
        return "line " + n + " has sequence number " + rec.get("seq") + " where " + i + " belongs: "
            + "records were removed or reordered";
      }
      expectedPrev = Transcript.sha256(lines[i]);
      lastType = rec.get("type");
    }
    if (!"session-end".equals(lastType)) {
      return NO_END + count + " without a session-end record: its tail was "
          + "removed, or the session is still open, or its supervisor died";
    }
    return null;
  }
}
