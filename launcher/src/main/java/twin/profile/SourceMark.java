package twin.profile;

import java.io.Serializable;
import java.util.Objects;

/** A 1-based position in a source file, as shown to people: {@code file:line:col}. */
public record SourceMark(String file, int line, int col) implements Serializable {

  /** Checks that the position is 1-based. */
  public SourceMark {
    Objects.requireNonNull(file, "file");
    if (line < 1 || col < 1) {
      throw new IllegalArgumentException("line and col are 1-based: " + line + ":" + col);
    }
  }

  @Override
  public String toString() {
    return file + ":" + line + ":" + col;
  }
}
