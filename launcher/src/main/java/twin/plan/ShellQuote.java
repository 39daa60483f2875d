package twin.plan;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Renders arguments so that a POSIX shell reads them back unchanged. */
public final class ShellQuote {
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_./:=,+@%-]+");

  private ShellQuote() {}

  public static String quote(String arg) {
    if (!arg.isEmpty() && SAFE.matcher(arg).matches()) {
      return arg;
    }
    return "'" + arg.replace("'", "'\"'\"'") + "'";
  }

  public static String join(List<String> args) {
    return args.stream().map(ShellQuote::quote).collect(Collectors.joining(" "));
  }
}
