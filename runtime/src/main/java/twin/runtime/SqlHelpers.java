package twin.runtime;

import clojure.lang.Namespace;

/**
 * Puts the SQL helpers ({@code sql}, {@code sql!}, {@code tables}, {@code describe},
 * {@code explain}, {@code with-db}) into {@code user} as vars that load {@code twin.sql} on first
 * use ({@link LazyVars}). A twin that never runs SQL compiles none of it.
 */
final class SqlHelpers {
  static final String NS = "twin.sql";
  private static final String[] FUNCTIONS = {"sql", "sql!", "tables", "describe", "explain"};

  private SqlHelpers() {}

  static void install(Namespace user) {
    for (String name : FUNCTIONS) {
      LazyVars.refer(user, NS, name, false);
    }
    LazyVars.refer(user, NS, "with-db", true);
  }
}
