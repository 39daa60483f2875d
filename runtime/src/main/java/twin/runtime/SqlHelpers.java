package twin.runtime;

import clojure.java.api.Clojure;
import clojure.lang.IFn;
import clojure.lang.ISeq;
import clojure.lang.Keyword;
import clojure.lang.Namespace;
import clojure.lang.RT;
import clojure.lang.RestFn;
import clojure.lang.Symbol;
import clojure.lang.Var;

/**
 * Puts the SQL helpers ({@code sql}, {@code sql!}, {@code tables}, {@code describe},
 * {@code explain}, {@code with-db}) into {@code user} as stubs that load {@code twin.sql} on first
 * call. A twin that never runs SQL compiles none of it: the stubs are plain Java objects.
 */
final class SqlHelpers {
  static final String NS = "twin.sql";
  private static final String[] FUNCTIONS = {"sql", "sql!", "tables", "describe", "explain"};

  private SqlHelpers() {}

  static void install(Namespace user) {
    for (String name : FUNCTIONS) {
      intern(user, name, false);
    }
    intern(user, "with-db", true);
  }

  private static void intern(Namespace user, String name, boolean macro) {
    Symbol sym = Symbol.intern(name);
    if (user.getMapping(sym) != null) {
      return; // the service or init defined its own: leave it
    }
    Var v = Var.intern(user, sym, new Stub(name));
    v.setMeta(RT.map(Keyword.intern("doc"), "twin's SQL helper; loads " + NS + " on first use. See (doc "
        + NS + "/" + name + ").", Keyword.intern("ns"), user, Keyword.intern("name"), sym));
    if (macro) {
      v.setMacro();
    }
  }

  /** Resolves the real var on each call (after the first, a map lookup) and applies it. */
  private static final class Stub extends RestFn {
    private final String name;

    Stub(String name) {
      this.name = name;
    }

    @Override
    public int getRequiredArity() {
      return 0;
    }

    @Override
    protected Object doInvoke(Object args) {
      IFn resolve = Clojure.var("clojure.core", "requiring-resolve");
      Var real = (Var) resolve.invoke(Symbol.intern(NS, name));
      return ((IFn) real.deref()).applyTo((ISeq) args);
    }
  }
}
