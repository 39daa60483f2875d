package twin.capture;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import twin.TwinException;

/** A service unit's name, split the way systemd's specifiers and template lookup need it. */
record UnitName(String full, String prefix, String instance) {

  static final String SUFFIX = ".service";
  private static final List<String> OTHER_TYPES = List.of(".socket", ".target", ".device",
      ".mount", ".automount", ".swap", ".timer", ".path", ".slice", ".scope");

  /** {@code name} read as systemctl reads it: without a unit type, {@code .service} is meant. */
  static UnitName parse(String name) {
    if (name.isEmpty() || name.contains("/") || name.startsWith("@") || name.startsWith(".")) {
      throw TwinException.usage("not a unit name: '" + name + "'");
    }
    for (String type : OTHER_TYPES) {
      if (name.endsWith(type)) {
        throw TwinException.usage("twin reads service units only, not " + name);
      }
    }
    String full = name.endsWith(SUFFIX) ? name : name + SUFFIX;
    String stem = full.substring(0, full.length() - SUFFIX.length());
    int at = stem.indexOf('@');
    return at < 0
        ? new UnitName(full, stem, null)
        : new UnitName(full, stem.substring(0, at), stem.substring(at + 1));
  }

  /** The template of this instance, e.g. {@code worker@.service}; null for a plain unit. */
  String template() {
    return instance == null ? null : prefix + "@" + SUFFIX;
  }

  /** systemd's unit-name unescaping: {@code -} is {@code /}, {@code \xNN} is that byte of UTF-8. */
  static String unescape(String escaped) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < escaped.length(); ) {
      int cp = escaped.codePointAt(i);
      if (cp == '-') {
        bytes.write('/');
      } else if (cp == '\\' && i + 3 < escaped.length() && escaped.charAt(i + 1) == 'x'
          && isHex(escaped.charAt(i + 2)) && isHex(escaped.charAt(i + 3))) {
        bytes.write(Integer.parseInt(escaped.substring(i + 2, i + 4), 16));
        i += 4;
        continue;
      } else {
        bytes.writeBytes(Character.toString(cp).getBytes(StandardCharsets.UTF_8));
      }
      i += Character.charCount(cp);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static boolean isHex(char c) {
    // ASCII only: Character.digit also takes other scripts' digits, which systemd does not.
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
