package twin.capture;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The variable references of an {@code ExecStart=} command line, replaced as systemd replaces them
 * when it starts the service ({@code man systemd.service}, "Command lines").
 */
final class ExecVariables {

  private ExecVariables() {}

  /** True when a word after the executable could refer to a variable. */
  static boolean refersToVariables(List<String> argv) {
    return argv.stream().skip(1).anyMatch(w -> w.indexOf('$') >= 0);
  }

  /**
   * {@code argv} with its references replaced from {@code env}: a word that is {@code $VAR} alone
   * becomes the value split at whitespace (quotes group, as systemd unquotes it), zero or more
   * words; {@code ${VAR}}, alone or within a word, becomes the value as it is, in that one word;
   * {@code $$} is a {@code $}. An undefined variable is empty, and its name is added to
   * {@code undefined}. The executable (argv[0]) is left as written, as systemd leaves it.
   */
  static List<String> expand(List<String> argv, Map<String, String> env, Set<String> undefined) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < argv.size(); i++) {
      String word = argv.get(i);
      if (i == 0 || word.indexOf('$') < 0) {
        out.add(word);
      } else if (word.length() > 1 && word.charAt(0) == '$' && word.charAt(1) != '{' && word.charAt(1) != '$') {
        // systemd looks up the whole rest of the word: "$A.b" is the (undefined) variable "A.b".
        String value = env.get(word.substring(1));
        if (value == null) {
          undefined.add(word.substring(1));
        } else {
          out.addAll(split(value));
        }
      } else {
        out.add(replace(word, env, undefined));
      }
    }
    return out;
  }

  private static List<String> split(String value) {
    try {
      return UnitWords.split(value);
    } catch (IllegalArgumentException e) {
      // systemd splits this value leniently: an open quote does not fail the start.
      return Arrays.stream(value.strip().split("\\s+")).filter(w -> !w.isEmpty()).toList();
    }
  }

  private static String replace(String word, Map<String, String> env, Set<String> undefined) {
    StringBuilder out = new StringBuilder(word.length());
    for (int i = 0; i < word.length(); i++) {
      char c = word.charAt(i);
      if (c != '$' || i + 1 == word.length()) {
        out.append(c);
      } else if (word.charAt(i + 1) == '$') {
        out.append('$');
        i++;
      } else if (word.charAt(i + 1) == '{') {
        int end = word.indexOf('}', i + 2);
        String name = end < 0 ? null : word.substring(i + 2, end);
        if (name == null || name.contains(":")) {
          // No closing brace, or ${A:-b}, which systemd does not expand in a command line: as written.
          out.append(c);
          continue;
        }
        String value = env.get(name);
        if (value == null) {
          undefined.add(name);
        } else {
          out.append(value);
        }
        i = end;
      } else {
        // $VAR within a word is not a reference for systemd.
        out.append(c);
      }
    }
    return out.toString();
  }
}
