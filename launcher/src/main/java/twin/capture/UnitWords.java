package twin.capture;

import java.util.ArrayList;
import java.util.List;

/** Splits a setting into words as systemd does for ExecStart= and Environment=. */
final class UnitWords {

  // Pairs of escape letter and meaning; "\ " is a space so a word can hold one unquoted.
  private static final String ESCAPES = "abfnrtv\\\"' s";
  private static final String MEANINGS = "\u0007\b\f\n\r\t\u000b\\\"'  ";

  private UnitWords() {}

  /**
   * The words of {@code text}: whitespace separates them, single and double quotes group (also
   * inside a word, as in a shell), and C escapes work inside and outside quotes. An unknown escape
   * stays as written. {@code $} and {@code %} are not touched here.
   *
   * @throws IllegalArgumentException on an unterminated quote
   */
  static List<String> split(String text) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        inWord = true;
        i = unescape(text, i, word);
      } else if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
        inWord = true;
      } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (quote != 0) {
      throw new IllegalArgumentException("unterminated quote");
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }

  /** Appends the escape that starts at {@code at} and returns the index of its last character. */
  private static int unescape(String text, int at, StringBuilder word) {
    if (at + 1 == text.length()) {
      word.append('\\');
      return at;
    }
    char c = text.charAt(at + 1);
    int simple = ESCAPES.indexOf(c);
    if (simple >= 0) {
      word.append(MEANINGS.charAt(simple));
      return at + 1;
    }
    if (c == 'x' && at + 3 < text.length()
        && isHex(text.charAt(at + 2)) && isHex(text.charAt(at + 3))) {
      word.append((char) Integer.parseInt(text.substring(at + 2, at + 4), 16));
      return at + 3;
    }
    word.append('\\').append(c);
    return at + 1;
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
