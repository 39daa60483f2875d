package twin.client;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.jline.reader.EOFError;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.ParsedLine;
import org.jline.reader.Parser;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.reader.impl.history.DefaultHistory;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;
import twin.secret.Redactor;

/**
 * The interactive client: JLine line editing with history and multi-line forms, a prompt that
 * names the twin, Ctrl-C to interrupt an evaluation, Ctrl-D to end.
 */
public final class Console implements Printer, AutoCloseable {
  private final Terminal terminal;
  private final LineReader reader;
  private final PrintWriter writer;
  private final String twinName;
  private volatile Redactor redactor;
  private volatile boolean reading;

  private Console(Terminal terminal, LineReader reader, String twinName, Redactor redactor) {
    this.terminal = terminal;
    this.reader = reader;
    this.writer = terminal.writer();
    this.twinName = twinName;
    this.redactor = redactor;
  }

  /** Opens the system terminal; {@code history} may be null to keep no history. */
  public static Console open(String twinName, Path history, Redactor redactor) throws IOException {
    // dumb(true): with stdin or stdout not a terminal (a pipe), JLine falls back to a dumb terminal
    // quietly instead of logging a warning through java.util.logging.
    Terminal terminal = TerminalBuilder.builder().system(true).dumb(true).name("twin").build();
    LineReaderBuilder builder = LineReaderBuilder.builder()
        .terminal(terminal)
        .appName("twin")
        .parser(new FormParser())
        .variable(LineReader.INDENTATION, 2)
        .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
        .option(LineReader.Option.INSERT_BRACKET, false);
    if (history != null && prepareHistory(history)) {
      builder.variable(LineReader.HISTORY_FILE, history).history(new MaskedHistory(redactor));
    }
    return new Console(terminal, builder.build(), twinName, redactor);
  }

  /**
   * History that keeps a typed form with the secrets twin knows masked, in memory and in the file,
   * as the transcript records it: a pasted token must not outlive the session in clear.
   */
  static final class MaskedHistory extends DefaultHistory {
    private final Redactor redactor;

    MaskedHistory(Redactor redactor) {
      this.redactor = redactor;
    }

    @Override
    public void add(Instant time, String line) {
      super.add(time, redactor.redact(line));
    }
  }

  /** The history file holds typed forms: keep it 0600 in a 0700 directory. */
  private static boolean prepareHistory(Path history) {
    try {
      Path dir = history.getParent();
      if (!Files.exists(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      if (!Files.exists(history)) {
        Files.createFile(history, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      return Files.isWritable(history);
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  public void setRedactor(Redactor redactor) {
    this.redactor = redactor;
  }

  /**
   * Runs the read-eval-print loop until Ctrl-D, EOF, or the twin's end; returns true when it
   * ended because an evaluation could not be stopped and the user left it behind.
   */
  public boolean run(SessionDriver session) {
    terminal.handle(Terminal.Signal.INT, signal -> session.interrupt());
    // A session that ends under the prompt (twin stop, the lifetime, the twin's death) ends the
    // loop at once, after the notice that said why, not at the next line typed. JLine turns an
    // interrupt of the reading thread into a UserInterruptException.
    Thread loop = Thread.currentThread();
    session.onEnd(() -> {
      if (reading) {
        loop.interrupt();
      }
    });
    String ns = session.ns();
    while (true) {
      String prompt = "twin:" + twinName + " " + ns + "=> ";
      reader.setVariable(LineReader.SECONDARY_PROMPT_PATTERN, " ".repeat(Math.max(0, prompt.length() - 5)) + "#_=> ");
      String text;
      try {
        reading = true;
        if (session.isClosed()) {
          Thread.interrupted();
          throw session.ended();
        }
        text = reader.readLine(prompt);
      } catch (UserInterruptException e) {
        if (session.isClosed()) {
          Thread.interrupted();
          throw session.ended();
        }
        continue;
      } catch (EndOfFileException e) {
        return false;
      } finally {
        reading = false;
      }
      if (FormBalance.isBlank(text)) {
        continue;
      }
      try {
        ns = session.eval(text);
      } catch (SessionDriver.Stuck e) {
        return true;
      }
    }
  }

  private void print(String text, AttributedStyle style) {
    String clean = redactor.redact(text);
    if (reading) {
      reader.printAbove(new AttributedString(clean, style));
    } else {
      writer.print(style == AttributedStyle.DEFAULT ? clean : new AttributedString(clean, style).toAnsi(terminal));
      writer.flush();
    }
  }

  private static String line(String text) {
    return text.endsWith("\n") ? text : text + "\n";
  }

  @Override
  public void value(String printed) {
    print(line(printed), AttributedStyle.DEFAULT);
  }

  @Override
  public void error(String message) {
    print(line(message), AttributedStyle.DEFAULT.foreground(AttributedStyle.RED));
  }

  @Override
  public void out(String text) {
    print(text, AttributedStyle.DEFAULT);
  }

  @Override
  public void err(String text) {
    print(text, AttributedStyle.DEFAULT.foreground(AttributedStyle.RED));
  }

  @Override
  public void service(String line) {
    print(line(line), AttributedStyle.DEFAULT.faint());
  }

  @Override
  public void notice(String message) {
    print(line("twin: " + message), AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW));
  }

  @Override
  public void close() {
    try {
      reader.getHistory().save();
    } catch (IOException ignored) {
      // history is a convenience
    }
    try {
      terminal.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  /** Accepts a line only when its forms are complete; otherwise Enter opens a continuation line. */
  static final class FormParser implements Parser {
    private final DefaultParser words = new DefaultParser();

    FormParser() {
      // Clojure's quote is not a shell quote; brackets are checked by FormBalance.
      words.setQuoteChars(new char[0]);
      words.setEscapeChars(new char[0]);
    }

    @Override
    public ParsedLine parse(String line, int cursor, ParseContext context) {
      if (context == ParseContext.ACCEPT_LINE && !FormBalance.isComplete(line)) {
        throw new EOFError(-1, cursor, "incomplete form");
      }
      return words.parse(line, cursor, context);
    }
  }
}
