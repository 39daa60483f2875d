package twin.profile;

/**
 * One entry of a profile's {@code databases:} (or the top-level {@code datasource:}). Strings are
 * as written: {@code ${VAR}} references stay unresolved; the twin resolves them from its own
 * environment, so secrets never pass through the launcher.
 *
 * @param name the database's name in the profile ({@code main} for the top-level datasource)
 * @param url the JDBC URL, or null when {@code datasource} is set
 * @param user the user, or null
 * @param password the password, or null; a literal one is a secret and is never printed
 * @param mode {@code read-only} (the default), {@code sandbox} or {@code read-write}
 * @param statementTimeout e.g. {@code 30s}; null means the default
 * @param lockTimeout e.g. {@code 2s}; null means the mode's default
 * @param maxRows rows the REPL shows at most; null means 500
 * @param fetchSize rows fetched per round trip; null means 1000
 * @param readOnlyUser the user for read-only mode (a SELECT-only role), or null
 * @param readOnlyPassword that user's password, or null
 * @param datasource a Clojure form returning a DataSource or Connection, or null
 */
public record Database(String name, String url, String user, String password, String mode, String statementTimeout,
    String lockTimeout, Integer maxRows, Integer fetchSize, String readOnlyUser, String readOnlyPassword,
    String datasource) {

  public static final String DEFAULT_MODE = "read-only";

  /** A database made by a top-level {@code datasource:} form: {@code main}, read-only. */
  public static Database ofForm(String name, String form) {
    return new Database(name, null, null, null, DEFAULT_MODE, null, null, null, null, null, null, form);
  }
}
