package twin.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits the text of a java {@code @argfile} or {@code -XX:VMOptionsFile} into options: white
 * space separates, single or double quotes group, a backslash inside quotes escapes, and a
 * {@code #} at the start of a token comments out the rest of the line.
 */
public final class ArgFiles {
  private ArgFiles() {}

  public static List<String> tokenize(String text) {
    List<String> tokens = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean inToken = false;
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else if (c == '\\' && i + 1 < text.length()) {
          current.append(text.charAt(++i));
        } else {
          current.append(c);
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
        inToken = true;
      } else if (Character.isWhitespace(c)) {
        if (inToken) {
          tokens.add(current.toString());
          current.setLength(0);
          inToken = false;
        }
      } else if (c == '#' && !inToken) {
        while (i < text.length() && text.charAt(i) != '\n') {
          i++;
        }
      } else {
        current.append(c);
        inToken = true;
      }
    }
    if (inToken) {
      tokens.add(current.toString());
    }
    return tokens;
  }
}
