package twin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import twin.capture.ProcReader;

/**
 * Command-line arguments as UTF-8 when the JVM decoded them with a locale that has no such
 * characters (LANG unset or C, as under cron, systemd or a bare ssh): there every non-ASCII byte
 * became U+FFFD, and a query such as {@code where name = 'Müller'} would silently ask for
 * something else. The kernel keeps the bytes as given, in {@code /proc/self/cmdline}.
 */
public final class Argv {
  private static final char LOST = '\uFFFD';

  private Argv() {}

  /** {@code args}, or the same arguments decoded as UTF-8 from the kernel's copy where the JVM lost characters. */
  public static String[] utf8(String[] args) {
    if (!lost(args)) {
      return args;
    }
    try {
      String[] raw = fromCmdline(Files.readAllBytes(Path.of("/proc/self/cmdline")), args.length);
      return raw != null && matches(args, raw) ? raw : args;
    } catch (IOException | RuntimeException e) {
      return args;
    }
  }

  static boolean lost(String[] args) {
    for (String a : args) {
      if (a.indexOf(LOST) >= 0) {
        return true;
      }
    }
    return false;
  }

  /** The last {@code count} NUL-terminated strings of {@code cmdline}, as UTF-8; null if there are fewer. */
  static String[] fromCmdline(byte[] cmdline, int count) {
    List<String> all = ProcReader.split(cmdline);
    return all.size() < count ? null : all.subList(all.size() - count, all.size()).toArray(new String[0]);
  }

  /** Whether {@code raw} is {@code args} with only the lost characters restored, and valid UTF-8 itself. */
  static boolean matches(String[] args, String[] raw) {
    for (int i = 0; i < args.length; i++) {
      if (raw[i].indexOf(LOST) >= 0 || (args[i].indexOf(LOST) < 0 && !args[i].equals(raw[i]))) {
        return false;
      }
    }
    return true;
  }
}
