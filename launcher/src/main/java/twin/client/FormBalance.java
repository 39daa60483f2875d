package twin.client;

/**
 * Tells whether typed text holds only complete forms, so Enter can either send it or continue
 * on the next line. It tracks brackets outside strings, comments and character literals; the
 * twin's own reader still reads what is sent, so a wrong guess costs a continuation line, never
 * a wrong evaluation.
 */
public final class FormBalance {
  private FormBalance() {}

  /** True when every bracket opened in {@code text} is closed and no string is left open. */
  public static boolean isComplete(String text) {
    int depth = 0;
    boolean inString = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
        continue;
      }
      switch (c) {
        case '"' -> inString = true;
        case ';' -> {
          while (i < text.length() && text.charAt(i) != '\n') {
            i++;
          }
        }
        case '\\' -> i++;
        case '(', '[', '{' -> depth++;
        // A stray closer is the reader's error to report; it must not cancel a later opener.
        case ')', ']', '}' -> depth = Math.max(0, depth - 1);
        default -> { }
      }
    }
    // More closers than openers is complete too: the reader reports the error.
    return !inString && depth == 0;
  }

  /** True when the text holds nothing but white space and comments. */
  public static boolean isBlank(String text) {
    for (String line : text.split("\n", -1)) {
      String t = line.strip();
      if (!t.isEmpty() && !t.startsWith(";")) {
        return false;
      }
    }
    return true;
  }
}
