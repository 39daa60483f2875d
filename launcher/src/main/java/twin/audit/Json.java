package twin.audit;

import java.util.LinkedHashMap;
import java.util.Map;

/** The little JSON transcripts need: flat objects of strings, numbers and booleans, one per line. */
public final class Json {
  private Json() {}

  static String object(Map<String, Object> fields) {
    StringBuilder sb = new StringBuilder("{");
    for (Map.Entry<String, Object> e : fields.entrySet()) {
      if (sb.length() > 1) {
        sb.append(',');
      }
      sb.append(string(e.getKey())).append(':');
      Object v = e.getValue();
      if (v == null) {
        sb.append("null");
      } else if (v instanceof Number || v instanceof Boolean) {
        sb.append(v);
      } else {
        sb.append(string(v.toString()));
      }
    }
    return sb.append('}').toString();
  }

  public static String string(String s) {
    return twin.protocol.JsonText.quote(s);
  }

  /** Parses one flat object as written by {@link #object}; values come back as strings. */
  static Map<String, String> parse(String line) {
    Map<String, String> out = new LinkedHashMap<>();
    int[] i = {skip(line, 0)};
    expect(line, i, '{');
    while (true) {
      i[0] = skip(line, i[0]);
      if (peek(line, i) == '}') {
        i[0]++;
        break;
      }
      String key = readString(line, i);
      i[0] = skip(line, i[0]);
      expect(line, i, ':');
      i[0] = skip(line, i[0]);
      String value;
      if (peek(line, i) == '"') {
        value = readString(line, i);
      } else {
        int start = i[0];
        while (i[0] < line.length() && ",} ".indexOf(line.charAt(i[0])) < 0) {
          i[0]++;
        }
        value = line.substring(start, i[0]);
      }
      out.put(key, value);
      i[0] = skip(line, i[0]);
      char c = peek(line, i);
      i[0]++;
      if (c == '}') {
        break;
      }
      if (c != ',') {
        throw new IllegalArgumentException("expected ',' or '}' at " + (i[0] - 1));
      }
    }
    if (skip(line, i[0]) != line.length()) {
      throw new IllegalArgumentException("text after the object");
    }
    return out;
  }

  private static char peek(String s, int[] i) {
    if (i[0] >= s.length()) {
      throw new IllegalArgumentException("unexpected end of record");
    }
    return s.charAt(i[0]);
  }

  private static void expect(String s, int[] i, char c) {
    if (peek(s, i) != c) {
      throw new IllegalArgumentException("expected '" + c + "' at " + i[0]);
    }
    i[0]++;
  }

  private static int skip(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static String readString(String s, int[] i) {
    expect(s, i, '"');
    StringBuilder sb = new StringBuilder();
    while (true) {
      char c = peek(s, i);
      i[0]++;
      if (c == '"') {
        return sb.toString();
      }
      if (c == '\\') {
        char e = peek(s, i);
        i[0]++;
        switch (e) {
          case 'n' -> sb.append('\n');
          case 'r' -> sb.append('\r');
          case 't' -> sb.append('\t');
          case 'u' -> {
            sb.append((char) Integer.parseInt(s.substring(i[0], i[0] + 4), 16));
            i[0] += 4;
          }
          default -> sb.append(e);
        }
      } else {
        sb.append(c);
      }
    }
  }
}
