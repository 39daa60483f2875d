package twin.profile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads {@code KEY=VALUE} files as systemd's {@code EnvironmentFile=} does, so the twin sees what
 * the service sees. Errors never quote a line: env files hold secrets.
 */
public final class EnvFile {

  /** Largest env file read, in bytes; systemd itself caps whole-file reads at a few MiB. */
  public static final long MAX_BYTES = 4L * 1024 * 1024;

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern EXPORT = Pattern.compile("export[ \t]+");
  // In double quotes systemd unescapes only what a shell must escape; other '\x' stay as written.
  private static final String SHELL_NEED_ESCAPE = "\"\\`$";

  private EnvFile() {}

  /** The variables of {@code file}, in file order; a later assignment of a name wins. */
  public static Map<String, String> parse(Path file) throws ProfileException {
    String shown = file.toString();
    String text;
    try {
      if (Files.isDirectory(file)) {
        throw new ProfileException(shown, "cannot read env file: is a directory");
      }
      if (Files.size(file) > MAX_BYTES) {
        throw new ProfileException(shown, "cannot read env file: larger than 4 MiB");
      }
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
          .toString();
    } catch (IOException e) {
      // The cause is dropped on purpose: a decoder's or reader's message could carry content.
      throw new ProfileException(shown, "cannot read env file: " + IoReasons.describe(e));
    }
    return parse(text, shown);
  }

  /** The variables of {@code text}, read as an env file called {@code shown} in errors. */
  public static Map<String, String> parse(String text, String shown) throws ProfileException {
    return new Parser(text, shown).parse();
  }

  /** A character-level state machine after systemd's parse_env_file_internal. */
  private static final class Parser {

    private enum State {
      PRE_KEY, KEY, PRE_VALUE, VALUE, VALUE_ESCAPE, SINGLE_QUOTE, DOUBLE_QUOTE,
      DOUBLE_QUOTE_ESCAPE, COMMENT
    }

    private final String text;
    private final String shown;
    private final Map<String, String> out = new LinkedHashMap<>();
    private final StringBuilder key = new StringBuilder();
    private final StringBuilder value = new StringBuilder();
    // Length of value before its trailing unquoted whitespace; -1 when there is none.
    private int valueTrim = -1;
    private int line = 1;
    private int col = 0;
    private int keyLine;
    private int keyCol;
    private int quoteLine;
    private int quoteCol;

    Parser(String text, String shown) {
      this.text = text.startsWith("\uFEFF") ? text.substring(1) : text;
      this.shown = shown;
    }

    Map<String, String> parse() throws ProfileException {
      State state = State.PRE_KEY;
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        // CRLF counts as one line break, a lone CR as one too (systemd treats both as newline).
        boolean newline = c == '\n' || (c == '\r' && !(i + 1 < text.length()
            && text.charAt(i + 1) == '\n'));
        boolean lineBreak = c == '\n' || c == '\r';
        col++;
        switch (state) {
          case PRE_KEY -> {
            if (c == '#' || c == ';') {
              state = State.COMMENT;
            } else if (!isWhitespace(c)) {
              state = State.KEY;
              keyLine = line;
              keyCol = col;
              key.setLength(0);
              key.append(c);
            }
          }
          case KEY -> {
            if (lineBreak) {
              throw malformed();
            } else if (c == '=') {
              state = State.PRE_VALUE;
              value.setLength(0);
              valueTrim = -1;
            } else {
              key.append(c);
            }
          }
          case PRE_VALUE -> {
            if (lineBreak) {
              push();
              state = State.PRE_KEY;
            } else if (c == '\'') {
              state = State.SINGLE_QUOTE;
              quoteAt();
            } else if (c == '"') {
              state = State.DOUBLE_QUOTE;
              quoteAt();
            } else if (c == '\\') {
              state = State.VALUE_ESCAPE;
            } else if (!isWhitespace(c)) {
              state = State.VALUE;
              value.append(c);
            }
          }
          case VALUE -> {
            if (lineBreak) {
              if (valueTrim >= 0) {
                value.setLength(valueTrim);
              }
              push();
              state = State.PRE_KEY;
            } else if (c == '\\') {
              state = State.VALUE_ESCAPE;
              valueTrim = -1;
            } else {
              if (!isWhitespace(c)) {
                valueTrim = -1;
              } else if (valueTrim < 0) {
                valueTrim = value.length();
              }
              value.append(c);
            }
          }
          case VALUE_ESCAPE -> {
            state = State.VALUE;
            // A backslash before a line break continues the value on the next line.
            if (!lineBreak) {
              value.append(c);
            } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
              state = State.VALUE_ESCAPE;
            }
          }
          case SINGLE_QUOTE -> {
            if (c == '\'') {
              state = State.PRE_VALUE;
            } else {
              value.append(c);
            }
          }
          case DOUBLE_QUOTE -> {
            if (c == '"') {
              state = State.PRE_VALUE;
            } else if (c == '\\') {
              state = State.DOUBLE_QUOTE_ESCAPE;
            } else {
              value.append(c);
            }
          }
          case DOUBLE_QUOTE_ESCAPE -> {
            state = State.DOUBLE_QUOTE;
            if (SHELL_NEED_ESCAPE.indexOf(c) >= 0) {
              value.append(c);
            } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
              state = State.DOUBLE_QUOTE_ESCAPE;
            } else if (c != '\n' && c != '\r') {
              value.append('\\').append(c);
            }
          }
          case COMMENT -> {
            if (lineBreak) {
              state = State.PRE_KEY;
            }
          }
          default -> throw new IllegalStateException(state.name());
        }
        if (newline) {
          line++;
          col = 0;
        }
      }
      switch (state) {
        case KEY -> throw malformed();
        case SINGLE_QUOTE, DOUBLE_QUOTE, DOUBLE_QUOTE_ESCAPE ->
            throw new ProfileException(new SourceMark(shown, quoteLine, quoteCol),
                "unterminated quoted value", "");
        case VALUE -> {
          if (valueTrim >= 0) {
            value.setLength(valueTrim);
          }
          push();
        }
        case PRE_VALUE, VALUE_ESCAPE -> push();
        default -> {
          // PRE_KEY and COMMENT end cleanly.
        }
      }
      return Collections.unmodifiableMap(out);
    }

    private void quoteAt() {
      quoteLine = line;
      quoteCol = col;
    }

    private void push() throws ProfileException {
      String name = key.toString().strip();
      if (EXPORT.matcher(name).lookingAt()) {
        name = name.substring(6).strip();
      }
      if (!NAME.matcher(name).matches()) {
        throw malformed();
      }
      if (value.indexOf("\0") >= 0) {
        throw new ProfileException(new SourceMark(shown, keyLine, keyCol),
            name + " holds a NUL character, which no process can be given; remove it", "");
      }
      out.put(name, value.toString());
      key.setLength(0);
      value.setLength(0);
      valueTrim = -1;
    }

    // No snippet and no part of the line: whatever was written there may be a secret.
    private ProfileException malformed() {
      return new ProfileException(new SourceMark(shown, keyLine, keyCol),
          "expected KEY=VALUE (KEY matching [A-Za-z_][A-Za-z0-9_]*)", "");
    }

    private static boolean isWhitespace(char c) {
      return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }
  }
}
