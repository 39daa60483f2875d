package twin;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Facts about the operating system user and process that the JDK does not offer directly. */
public final class Os {
  private Os() {}

  /** The real uid of this process, from /proc. */
  public static long uid() {
    try {
      return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
    } catch (IOException | UnsupportedOperationException e) {
      throw new TwinException(ExitCodes.INTERNAL, "cannot read this process's uid from /proc: " + e.getMessage(), e);
    }
  }

  public static boolean isRoot() {
    return uid() == 0;
  }

  /** The name of the user running twin. */
  public static String userName() {
    return System.getProperty("user.name");
  }

  /** A short reason for an I/O failure, without a stack trace. */
  public static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    String message = e.getMessage();
    return message == null ? e.getClass().getSimpleName() : message;
  }
}
