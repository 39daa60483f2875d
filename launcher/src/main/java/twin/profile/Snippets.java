package twin.profile;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import twin.secret.Redactor;

/** Cuts the source line at a position and draws a caret under the column, compiler-style. */
final class Snippets {

  private Snippets() {}

  /**
   * A profile error at {@code at}, with its source line and a caret; the values of secret-named
   * keys and options in that line are masked, there and in {@code problem} (a message may quote the
   * value it is about: a numeric password, a duplicate token).
   */
  static ProfileException error(String text, SourceMark at, String problem, Throwable cause) {
    Masked m = masked(text, at.line(), at.col());
    String shown = problem;
    for (String secret : m.secrets()) {
      shown = shown.replace("'" + secret + "'", "'" + Redactor.MASK + "'");
      if (secret.length() >= Redactor.MIN_SECRET_LENGTH) {
        shown = shown.replace(secret, Redactor.MASK);
      }
    }
    return new ProfileException(at, Redactor.maskUrlPasswords(shown), m.snippet(), cause);
  }

  /** A snippet with its secrets masked, and the secrets it masked. */
  private record Masked(String snippet, List<String> secrets) {}

  // KEY: VALUE, where KEY may be quoted and begins a line, a flow mapping's entry or a list item.
  private static final Pattern KEY = Pattern.compile("(?:^|[\\s{,\\[-])([\"']?)([A-Za-z_][\\w.\\-]*)\\1[ \\t]*:(?:[ \\t]+|$)");
  // -Dname=value or --name=value, as written in jvm-options or args.
  private static final Pattern OPTION = Pattern.compile("(?:^|[\\s\"'\\[,])(?:-D|--)([\\w.\\-]+)=([^\\s\"',\\]]+)");

  /**
   * The 1-based {@code line} of {@code text} and a caret under the 1-based code-point
   * {@code col}, secrets masked; "" when the line does not exist (e.g. a position at the end of
   * the stream).
   */
  private static Masked masked(String text, int line, int col) {
    if (text == null || line < 1) {
      return new Masked("", List.of());
    }
    int start = 0;
    for (int i = 1; i < line; i++) {
      int nl = nextLineStart(text, start);
      if (nl < 0) {
        return new Masked("", List.of());
      }
      start = nl;
    }
    int end = start;
    while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
      end++;
    }
    String raw = text.substring(start, end);
    if (raw.isBlank()) {
      return new Masked("", List.of());
    }
    int caretAt = 0;
    for (int cp = 1; cp < col && caretAt < raw.length(); cp++) {
      caretAt += Character.charCount(raw.codePointAt(caretAt));
    }
    List<int[]> spans = secretSpans(raw);
    StringBuilder source = new StringBuilder();
    List<String> secrets = new ArrayList<>();
    int from = 0;
    int caretShown = caretAt;
    for (int[] span : spans) {
      source.append(raw, from, span[0]).append(Redactor.MASK);
      String value = raw.substring(span[0], span[1]);
      secrets.add(value);
      if (value.length() > 2 && (value.startsWith("\"") || value.startsWith("'"))) {
        secrets.add(value.substring(1, value.length() - 1));
      }
      if (caretAt >= span[1]) {
        caretShown += Redactor.MASK.length() - (span[1] - span[0]);
      } else if (caretAt > span[0]) {
        caretShown = caretShown - (caretAt - span[0]); // inside the secret: under its mask
      }
      from = span[1];
    }
    source.append(raw.substring(from));
    String shown = source.toString();
    StringBuilder caret = new StringBuilder();
    // Copy tabs so the caret lines up however the terminal expands them.
    for (int offset = 0; offset < caretShown && offset < shown.length(); ) {
      int c = shown.codePointAt(offset);
      caret.append(c == '\t' ? '\t' : ' ');
      offset += Character.charCount(c);
    }
    return new Masked(Redactor.maskUrlPasswords(shown) + "\n" + caret + "^", secrets);
  }

  /** Where the values of secret-named keys ({@code DB_PASSWORD: x}) and options ({@code -Dapi.key=x}) are. */
  static List<int[]> secretSpans(String line) {
    List<int[]> spans = new ArrayList<>();
    Matcher key = KEY.matcher(line);
    int searchFrom = 0;
    while (searchFrom < line.length() && key.find(searchFrom)) {
      int valueStart = key.end();
      int valueEnd = valueEnd(line, valueStart, flow(line, key.start(2)));
      if (Redactor.isSecretName(key.group(2)) && valueEnd > valueStart) {
        spans.add(new int[] {valueStart, valueEnd});
      }
      searchFrom = Math.max(key.end(), key.start(2) + 1);
    }
    Matcher option = OPTION.matcher(line);
    while (option.find()) {
      if (Redactor.isSecretName(option.group(1))
          && spans.stream().noneMatch(s -> s[0] <= option.start(2) && option.start(2) < s[1])) {
        spans.add(new int[] {option.start(2), option.end(2)});
      }
    }
    spans.sort(java.util.Comparator.comparingInt(s -> s[0]));
    // Overlaps (a key's value holding an option) keep the wider, earlier span.
    List<int[]> out = new ArrayList<>();
    for (int[] span : spans) {
      if (out.isEmpty() || span[0] >= out.get(out.size() - 1)[1]) {
        out.add(span);
      }
    }
    return out;
  }

  /** Whether position {@code at} is inside a flow collection ({@code {...}} or {@code [...]}) of this line. */
  private static boolean flow(String line, int at) {
    int depth = 0;
    char quote = 0;
    for (int i = 0; i < at; i++) {
      char c = line.charAt(i);
      if (quote != 0) {
        quote = c == quote ? 0 : quote;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '{' || c == '[') {
        depth++;
      } else if ((c == '}' || c == ']') && depth > 0) {
        depth--;
      }
    }
    return depth > 0;
  }

  /** The end of a scalar value starting at {@code start}: its closing quote, or a flow separator, comment or the line's end. */
  private static int valueEnd(String line, int start, boolean flow) {
    if (start >= line.length()) {
      return start;
    }
    char first = line.charAt(start);
    if (first == '"' || first == '\'') {
      for (int i = start + 1; i < line.length(); i++) {
        char c = line.charAt(i);
        if (first == '"' && c == '\\') {
          i++;
        } else if (c == first) {
          if (first == '\'' && i + 1 < line.length() && line.charAt(i + 1) == '\'') {
            i++;
          } else {
            return i + 1;
          }
        }
      }
      return line.length();
    }
    int end = line.length();
    for (int i = start; i < line.length(); i++) {
      char c = line.charAt(i);
      if ((flow && (c == ',' || c == '}' || c == ']')) || (c == '#' && i > start && Character.isWhitespace(line.charAt(i - 1)))) {
        end = i;
        break;
      }
    }
    while (end > start && Character.isWhitespace(line.charAt(end - 1))) {
      end--;
    }
    return end;
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
