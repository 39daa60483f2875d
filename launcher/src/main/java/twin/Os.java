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

  /** Where twin looks for the system tools it runs (setpriv, setfacl, ...): never the user's PATH. */
  public static final java.util.List<String> TOOL_DIRS = java.util.List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin");

  /** A system tool by name in {@link #TOOL_DIRS}, or null when it is not installed. */
  public static Path systemTool(String name) {
    for (String dir : TOOL_DIRS) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
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
