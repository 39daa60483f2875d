package twin.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import twin.profile.Database;
import twin.profile.Profile;
import twin.secret.Redactor;

/**
 * The databases file the launcher writes into the twin's private directory and the twin's
 * {@code twin.runtime.sql.Databases} reads: the profile's {@code databases:} as written
 * ({@code ${VAR}} unresolved), who launched the twin, and whether writes were allowed.
 */
public final class DatabaseConfig {
  /** The file's name in the twin's private directory. */
  public static final String FILE_NAME = "databases.properties";
  /** The system property that tells the twin where the file is. */
  public static final String PROPERTY = "twin.sql.config";

  private DatabaseConfig() {}

  /** The file's text (java.util.Properties format), or null when the profile has no databases. */
  public static String render(Profile profile, String osUser, boolean allowWrites) {
    if (profile.databases().isEmpty()) {
      return null;
    }
    Map<String, String> p = new TreeMap<>();
    p.put("profile", profile.name());
    p.put("os-user", osUser);
    p.put("allow-writes", Boolean.toString(allowWrites));
    p.put("databases", String.join(",", profile.databases().keySet()));
    for (Database d : profile.databases().values()) {
      String k = "db." + d.name() + ".";
      put(p, k + "url", d.url());
      put(p, k + "user", d.user());
      put(p, k + "password", d.password());
      put(p, k + "mode", d.mode());
      put(p, k + "statement-timeout", d.statementTimeout());
      put(p, k + "lock-timeout", d.lockTimeout());
      put(p, k + "max-rows", d.maxRows() == null ? null : d.maxRows().toString());
      put(p, k + "fetch-size", d.fetchSize() == null ? null : d.fetchSize().toString());
      put(p, k + "read-only.user", d.readOnlyUser());
      put(p, k + "read-only.password", d.readOnlyPassword());
      put(p, k + "datasource", d.datasource());
    }
    // Written here rather than by Properties.store, whose date comment initializes the time
    // zone and the locale data: about 15 ms of every launch of a profile with databases.
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, String> e : p.entrySet()) {
      escape(out, e.getKey(), true).append('=');
      escape(out, e.getValue(), false).append('\n');
    }
    return out.toString();
  }

  private static void put(Map<String, String> p, String key, String value) {
    if (value != null) {
      p.put(key, value);
    }
  }

  /** {@code text} escaped as Properties.store(Writer) escapes it, so that Properties.load reads it back. */
  static StringBuilder escape(StringBuilder to, String text, boolean key) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case ' ' -> to.append(i == 0 || key ? "\\ " : " ");
        case '\t' -> to.append("\\t");
        case '\n' -> to.append("\\n");
        case '\r' -> to.append("\\r");
        case '\f' -> to.append("\\f");
        case '\\', '=', ':', '#', '!' -> to.append('\\').append(c);
        default -> to.append(c);
      }
    }
    return to;
  }

  /** The databases for {@code --dry-run}: one line each, passwords masked. */
  public static List<String> describe(Profile profile, Redactor redactor) {
    List<String> lines = new ArrayList<>();
    for (Map.Entry<String, Database> e : profile.databases().entrySet()) {
      Database d = e.getValue();
      StringBuilder b = new StringBuilder(e.getKey()).append(": ");
      if (d.datasource() != null) {
        b.append("datasource ").append(redactor.redact(d.datasource()));
      } else {
        b.append(redactor.redact(Redactor.maskUrlPasswords(d.url())));
        if (d.user() != null) {
          b.append(" user ").append(redactor.redact(d.user()));
        }
        if (d.password() != null) {
          b.append(" password ").append(d.password().startsWith("${") && d.password().endsWith("}")
              && d.password().indexOf('}') == d.password().length() - 1 ? d.password() : Redactor.MASK);
        }
      }
      b.append(" mode ").append(d.mode());
      if (d.readOnlyUser() != null) {
        b.append(" read-only user ").append(redactor.redact(d.readOnlyUser()));
      }
      lines.add(b.toString());
    }
    return lines;
  }

  /** Literal passwords of the profile, keyed by a secret-looking name, for a redactor. */
  public static Map<String, String> literalSecrets(Profile profile) {
    Map<String, String> secrets = new java.util.LinkedHashMap<>();
    for (Database d : profile.databases().values()) {
      if (d.password() != null && !d.password().contains("${")) {
        secrets.put("TWIN_DB_" + d.name().toUpperCase().replace('-', '_') + "_PASSWORD", d.password());
      }
      if (d.readOnlyPassword() != null && !d.readOnlyPassword().contains("${")) {
        secrets.put("TWIN_DB_" + d.name().toUpperCase().replace('-', '_') + "_READ_ONLY_PASSWORD", d.readOnlyPassword());
      }
    }
    return secrets;
  }
}
