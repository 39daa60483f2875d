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
}
