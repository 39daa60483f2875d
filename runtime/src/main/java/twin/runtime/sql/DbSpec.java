package twin.runtime.sql;

import java.time.Duration;
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One named database as the profile wrote it: strings still hold {@code ${VAR}} references,
 * which {@link #resolve} fills in from the twin's own environment.
 */
public record DbSpec(String name, String url, String user, String password, String mode,
    Duration statementTimeout, Duration lockTimeout, int maxRows, int fetchSize, String readOnlyUser,
    String readOnlyPassword, String datasource) {

  public static final String READ_ONLY = "read-only";
  public static final String SANDBOX = "sandbox";
  public static final String READ_WRITE = "read-write";
  static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(30);
  static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(5);
  static final Duration SANDBOX_LOCK_TIMEOUT = Duration.ofSeconds(2);
  static final Duration IDLE_IN_TRANSACTION = Duration.ofMinutes(10);
  private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
  private static final Pattern DURATION = Pattern.compile("([1-9][0-9]*)(ms|s|m|h)");

  /** Reads database {@code name} from the launcher's config ({@code db.NAME.KEY} entries). */
  static DbSpec from(Properties p, String name) {
    String k = "db." + name + ".";
    String mode = p.getProperty(k + "mode", READ_ONLY);
    Duration lock = duration(p.getProperty(k + "lock-timeout"), null);
    if (lock == null) {
      lock = mode.equals(SANDBOX) ? SANDBOX_LOCK_TIMEOUT : DEFAULT_LOCK_TIMEOUT;
    }
    return new DbSpec(name, p.getProperty(k + "url"), p.getProperty(k + "user"), p.getProperty(k + "password"), mode,
        duration(p.getProperty(k + "statement-timeout"), DEFAULT_STATEMENT_TIMEOUT), lock,
        Integer.parseInt(p.getProperty(k + "max-rows", "500")), Integer.parseInt(p.getProperty(k + "fetch-size", "1000")),
        p.getProperty(k + "read-only.user"), p.getProperty(k + "read-only.password"), p.getProperty(k + "datasource"));
  }

  /** This database with another statement timeout: what {@code twin sql --statement-timeout} asks for. */
  DbSpec withStatementTimeout(Duration timeout) {
    return new DbSpec(name, url, user, password, mode, timeout, lockTimeout, maxRows, fetchSize, readOnlyUser,
        readOnlyPassword, datasource);
  }

  static Duration duration(String text, Duration otherwise) {
    if (text == null || text.isEmpty()) {
      return otherwise;
    }
    Matcher m = DURATION.matcher(text);
    if (!m.matches()) {
      throw new SqlFailure("bad duration '" + text + "' (expected e.g. 500ms, 30s, 5m)");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  /** Fills in every {@code ${VAR}} from {@code env}; an unset variable is an error naming it. */
  String resolve(String field, String text, Function<String, String> env) {
    if (text == null) {
      return null;
    }
    Matcher m = VAR.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = env.apply(m.group(1));
      if (value == null) {
        throw new SqlFailure("database '" + name + "': " + field + " uses ${" + m.group(1)
            + "}, which is not set in the twin's environment");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }
}
