package twin.protocol;

import java.util.List;

/**
 * One message on the private channel: the session it belongs to (0 for the twin itself), its
 * type, and its string fields.
 */
public record Frame(int session, FrameType type, List<String> fields) {

  public Frame {
    fields = List.copyOf(fields);
  }

  public static Frame of(int session, FrameType type, String... fields) {
    return new Frame(session, type, List.of(fields));
  }

  /** The field at {@code index}, or the empty string when the frame has fewer fields. */
  public String field(int index) {
    return index < fields.size() ? fields.get(index) : "";
  }
}
