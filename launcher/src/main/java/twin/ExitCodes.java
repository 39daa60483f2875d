package twin;

/** The exit codes of the twin command (DESIGN.md §6); the README documents them. */
public final class ExitCodes {
  /** Success. */
  public static final int OK = 0;
  /** The twin or the code evaluated in it failed. */
  public static final int FAILED = 1;
  /** Bad usage or an invalid profile. */
  public static final int USAGE = 2;
  /** Not permitted: access, user, missing reason. */
  public static final int NOT_PERMITTED = 3;
  /** A bug or an unexpected condition inside twin. */
  public static final int INTERNAL = 4;

  private ExitCodes() {}
}
