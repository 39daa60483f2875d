package twin;

/**
 * A failure to report to the user as one line, {@code twin: error: MESSAGE}, with an exit code.
 * Messages must never hold a secret value: callers pass them through the redactor when they
 * quote anything that came from a service's environment.
 */
public class TwinException extends RuntimeException {
  private final int exitCode;
  private final String detail;

  public TwinException(int exitCode, String message) {
    this(exitCode, message, null, null);
  }

  public TwinException(int exitCode, String message, Throwable cause) {
    this(exitCode, message, null, cause);
  }

  /** {@code detail} is shown below the error line, e.g. the twin's last stderr lines. */
  public TwinException(int exitCode, String message, String detail, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
    this.detail = detail;
  }

  public int exitCode() {
    return exitCode;
  }

  /** Extra lines shown after the error line, or null. */
  public String detail() {
    return detail;
  }

  public static TwinException usage(String message) {
    return new TwinException(ExitCodes.USAGE, message);
  }

  public static TwinException failed(String message) {
    return new TwinException(ExitCodes.FAILED, message);
  }

  public static TwinException notPermitted(String message) {
    return new TwinException(ExitCodes.NOT_PERMITTED, message);
  }

  /**
   * {@code cannot write FILE: REASON}: not permitted (exit 3) when the file system said so
   * (permission denied, a read-only file system), else a usage error (exit 2: a path that
   * cannot be, such as one under a regular file).
   */
  public static TwinException cannotWrite(java.nio.file.Path file, java.io.IOException e) {
    // FileSystemException's message repeats the path; its reason alone reads better after it.
    String reason = e instanceof java.nio.file.FileSystemException f && !(e instanceof java.nio.file.AccessDeniedException)
        && !(e instanceof java.nio.file.NoSuchFileException) && f.getReason() != null ? f.getReason() : Os.reason(e);
    boolean denied = e instanceof java.nio.file.AccessDeniedException || reason.equals("Read-only file system");
    return new TwinException(denied ? ExitCodes.NOT_PERMITTED : ExitCodes.USAGE,
        "cannot write " + file + ": " + reason.substring(0, 1).toLowerCase(java.util.Locale.ROOT) + reason.substring(1), e);
  }
}
