package twin.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import twin.TwinException;

/** Durations as people write them on a command line: 90s, 30m, 8h, 2d. */
final class Durations {
  private static final Pattern FORM = Pattern.compile("([0-9]{1,9})([smhd])");
  /** Longer is a typo: a twin is for an incident, and --since has dates for the past. */
  static final Duration MAX = Duration.ofDays(366);

  private Durations() {}

  static Duration parse(String option, String text) {
    Matcher m = FORM.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw TwinException.usage(option + " takes a duration such as 90s, 30m, 8h or 2d, not '" + text + "'");
    }
    long n = Long.parseLong(m.group(1));
    Duration d = switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
    if (d.isZero()) {
      throw TwinException.usage(option + " must be longer than zero");
    }
    if (d.compareTo(MAX) > 0) {
      throw TwinException.usage(option + " takes at most 366d, not '" + text + "'");
    }
    return d;
  }

  static String format(Duration d) {
    long s = d.toSeconds();
    if (s == 0) {
      return "0s";
    }
    if (s % 3600 == 0) {
      return s / 3600 + "h";
    }
    return s % 60 == 0 ? s / 60 + "m" : s + "s";
  }
}
