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
 * Names the first record that breaks the chain.
 */
public final class TranscriptVerifier {
  private TranscriptVerifier() {}

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
        return "record " + n + " is cut off (the tail of the transcript was truncated)";
      }
      Map<String, String> rec;
      try {
        rec = Json.parse(lines[i]);
      } catch (IllegalArgumentException e) {
        return "record " + n + " is not a valid record (" + e.getMessage() + "): it was edited or truncated";
      }
      if (!expectedPrev.equals(rec.get("prev"))) {
        return n == 1 ? "record 1 does not start a chain: records before it were removed"
            : "record " + (n - 1) + " was edited, or records around it were removed or reordered "
                + "(record " + n + " does not point back to it)";
      }
      if (!String.valueOf(i).equals(rec.get("seq"))) {
        return "record " + n + " has sequence number " + rec.get("seq") + " where " + i + " belongs: "
            + "records were removed or reordered";
      }
      expectedPrev = Transcript.sha256(lines[i]);
      lastType = rec.get("type");
    }
    if (!"session-end".equals(lastType)) {
      return "the transcript ends after record " + count + " without a session-end record: its tail was "
          + "removed, or the session is still open, or its supervisor died";
    }
    return null;
  }
}
