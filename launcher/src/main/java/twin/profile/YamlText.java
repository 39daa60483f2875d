package twin.profile;

/** Writes strings as YAML double-quoted scalars that SnakeYAML reads back unchanged. */
public final class YamlText {

  private YamlText() {}

  /** {@code s} in double quotes, with every character YAML would not take literally escaped. */
  public static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      i += Character.charCount(c);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        case '\r' -> out.append("\\r");
        case 0 -> out.append("\\0");
        default -> {
          if (printable(c)) {
            out.appendCodePoint(c);
          } else if (c <= 0xFFFF) {
            out.append(String.format("\\u%04X", c));
          } else {
            out.append(String.format("\\U%08X", c));
          }
        }
      }
    }
    return out.append('"').toString();
  }

  // The characters SnakeYAML's reader accepts unescaped; anything else must be escaped.
  private static boolean printable(int c) {
    return (c >= 0x20 && c <= 0x7E)
        || c == 0x85
        || (c >= 0xA0 && c <= 0xD7FF)
        || (c >= 0xE000 && c <= 0xFFFD && c != 0xFEFF)
        || (c >= 0x10000 && c <= 0x10FFFF);
  }
}
