package twin.capture;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import twin.TwinException;

/** The {@code [Service]} settings of one unit file or drop-in, read with systemd's line syntax. */
final class UnitFile {

  private UnitFile() {}

  /** One {@code KEY=VALUE} of the {@code [Service]} section and where it starts. */
  record Setting(String key, String value, Path file, int line) {
    /** {@code file:line}, for error messages. */
    String where() {
      return file + ":" + line;
    }
  }

  /** The {@code [Service]} settings of {@code file}, in file order. */
  static List<Setting> read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw TwinException.usage("cannot read " + file + ": " + reason(e));
    }
    return parse(file, text);
  }

  /** The {@code [Service]} settings of {@code text}, read as {@code file}. */
  static List<Setting> parse(Path file, String text) {
    List<Setting> settings = new ArrayList<>();
    String section = null;
    String continued = null;
    int start = 0;
    int number = 0;
    for (String raw : (text.startsWith("\uFEFF") ? text.substring(1) : text).split("\r\n|\r|\n")) {
      number++;
      String stripped = raw.strip();
      // As in systemd, comment lines are skipped even between continued lines.
      if (stripped.startsWith("#") || stripped.startsWith(";")) {
        continue;
      }
      String line = continued == null ? raw : continued + raw;
      if (continued == null) {
        start = number;
      }
      if (endsInEscape(line)) {
        // systemd turns the backslash into a space and appends the next line as written.
        continued = line.substring(0, line.length() - 1) + " ";
        continue;
      }
      continued = null;
      section = take(line.strip(), section, file, start, settings);
    }
    if (continued != null) {
      take(continued.strip(), section, file, start, settings);
    }
    return settings;
  }

  /** Records {@code line} if it is a setting of [Service]; returns the section it leaves open. */
  private static String take(String line, String section, Path file, int at, List<Setting> out) {
    if (line.startsWith("[")) {
      if (!line.endsWith("]")) {
        // systemd refuses the whole unit here; skipping the line would lose the section's settings.
        throw TwinException.usage(file + ":" + at + ": syntax error: a section header must end in ']': "
            + (line.length() <= 40 ? line : line.substring(0, 37) + "..."));
      }
      return line.substring(1, line.length() - 1);
    }
    int eq = line.indexOf('=');
    // Like systemd, a line without '=' is skipped rather than failing the whole unit.
    if ("Service".equals(section) && eq > 0) {
      out.add(new Setting(line.substring(0, eq).strip(), line.substring(eq + 1).strip(), file, at));
    }
    return section;
  }

  // An odd run of trailing backslashes: "\\" at the end is an escaped backslash, not a join.
  private static boolean endsInEscape(String line) {
    int n = 0;
    for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
      n++;
    }
    return n % 2 == 1;
  }

  /** A short reason for {@code e} that names no file content. */
  static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof CharacterCodingException) {
      return "not valid UTF-8";
    }
    if (e instanceof FileSystemException fse && fse.getReason() != null) {
      return fse.getReason().toLowerCase(Locale.ROOT);
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
