package twin;

import java.text.MessageFormat;
import java.util.ResourceBundle;

/**
 * The launcher's {@code System.Logger}s: warnings and errors as one {@code twin: warning:} line on
 * stderr, nothing below. Without it the first {@code System.getLogger} call (SnakeYAML makes one
 * when it reads a profile) starts java.util.logging, about 10 ms of a launcher start that prints
 * nothing; and twin's output stays one line per message. Registered in META-INF/services; the
 * twin JVM (twin-runtime.jar) keeps the JDK's default.
 */
public final class QuietLoggerFinder extends System.LoggerFinder {
  private static final System.Logger.Level SHOWN = System.Logger.Level.WARNING;

  @Override
  public System.Logger getLogger(String name, Module module) {
    return new Quiet(name);
  }

  private record Quiet(String name) implements System.Logger {
    @Override
    public String getName() {
      return name;
    }

    @Override
    public boolean isLoggable(Level level) {
      return level != Level.OFF && level.getSeverity() >= SHOWN.getSeverity();
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
      if (isLoggable(level)) {
        print(msg + (thrown == null ? "" : " (" + thrown + ")"));
      }
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      if (isLoggable(level)) {
        print(params == null || params.length == 0 ? format : MessageFormat.format(format, params));
      }
    }

    private void print(String message) {
      System.err.println("twin: warning: " + name + ": " + message);
    }
  }
}
