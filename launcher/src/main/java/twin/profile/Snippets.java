package twin.profile;

/** Cuts the source line at a position and draws a caret under the column, compiler-style. */
final class Snippets {

  private Snippets() {}

  /**
   * The 1-based {@code line} of {@code text} and a caret under the 1-based code-point
   * {@code col}; "" when the line does not exist (e.g. a position at the end of the stream).
   */
  static String at(String text, int line, int col) {
    if (text == null || line < 1) {
      return "";
    }
    int start = 0;
    for (int i = 1; i < line; i++) {
      int nl = nextLineStart(text, start);
      if (nl < 0) {
        return "";
      }
      start = nl;
    }
    int end = start;
    while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
      end++;
    }
    String source = text.substring(start, end);
    if (source.isBlank()) {
      return "";
    }
    StringBuilder caret = new StringBuilder();
    int offset = 0;
    // Copy tabs so the caret lines up however the terminal expands them.
    for (int cp = 1; cp < col && offset < source.length(); cp++) {
      int c = source.codePointAt(offset);
      caret.append(c == '\t' ? '\t' : ' ');
      offset += Character.charCount(c);
    }
    return source + "\n" + caret + "^";
  }

  private static int nextLineStart(String text, int from) {
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        return i + 1;
      }
      if (c == '\r') {
        return i + 1 < text.length() && text.charAt(i + 1) == '\n' ? i + 2 : i + 1;
      }
    }
    return -1;
  }
}
