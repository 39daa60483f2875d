package twin.profile;

import java.util.Objects;
import java.util.Optional;

/**
 * A profile error rendered like a compiler's: {@code FILE:LINE:COL: error: MESSAGE}, or
 * {@code FILE: error: MESSAGE} when there is no position (limits, unreadable files).
 */
public class ProfileException extends Exception {

  private static final long serialVersionUID = 1L;

  private final String file;
  private final SourceMark mark;
  private final String problem;
  private final String snippet;

  /** An error about a whole file, without a position. */
  public ProfileException(String file, String problem) {
    this(file, problem, (Throwable) null);
  }

  /** An error about a whole file, without a position, caused by {@code cause}. */
  public ProfileException(String file, String problem, Throwable cause) {
    this(file + ": error: " + problem, file, null, problem, "", cause);
  }

  /** An error at a position; {@code snippet} is the source line and a caret line, or empty. */
  public ProfileException(SourceMark mark, String problem, String snippet) {
    this(mark, problem, snippet, null);
  }

  /** An error at a position, caused by {@code cause}. */
  public ProfileException(SourceMark mark, String problem, String snippet, Throwable cause) {
    this(mark + ": error: " + problem, mark.file(), mark, problem, snippet, cause);
  }

  /** For subclasses that render their own one-line message. */
  protected ProfileException(
      String rendered, String file, SourceMark mark, String problem, String snippet,
      Throwable cause) {
    super(rendered, cause);
    this.file = file;
    this.mark = mark;
    this.problem = Objects.requireNonNull(problem, "problem");
    this.snippet = snippet == null ? "" : snippet;
  }

  /** The file as the caller named it, or null when the error is about no single file. */
  public String file() {
    return file;
  }

  /** Where the error is, when it has a position. */
  public Optional<SourceMark> mark() {
    return Optional.ofNullable(mark);
  }

  /** The message alone, without the {@code FILE:LINE:COL: error: } prefix. */
  public String problem() {
    return problem;
  }

  /** The offending source line and a caret line under the column, or "" when not available. */
  public String snippet() {
    return snippet;
  }
}
