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
 * Vars that load their namespace on first use. The var made here is the real one
 * ({@code clojure.pprint/pprint}, {@code twin.sql/sql}), interned ahead of its namespace with a
 * root that requires the namespace and calls what the load put there. Loading the namespace
 * re-binds that same var, so a later {@code (require '[clojure.pprint :refer [pprint]])} in
 * {@code user} refers the var {@code user} already has: no warning, nothing replaced.
 *
 * <p>This keeps a twin's boot short (the REPL helpers were a quarter of it) while {@code user}
 * still has every name clojure.main's REPL gives it.
 */
final class LazyVars {
  private static final Keyword DOC = Keyword.intern("doc");

  private LazyVars() {}

  /**
   * Refers {@code ns/name} into {@code into}, interning it as a lazy var first if its namespace
   * is not loaded. Leaves a name {@code into} already maps (the service's or init's own) alone.
   */
  static void refer(Namespace into, String ns, String name, boolean macro) {
    Symbol sym = Symbol.intern(name);
    if (into.getMapping(sym) != null) {
      return;
    }
    Namespace home = Namespace.findOrCreate(Symbol.intern(ns));
    Var v = home.findInternedVar(sym);
    if (v == null || !v.hasRoot()) {
      v = Var.intern(home, sym, new Loader(ns, name));
      v.setMeta(RT.map(DOC, "Not loaded yet: the first use loads " + ns + " (or run (require '" + ns + ")).",
          Keyword.intern("ns"), home, Keyword.intern("name"), sym));
      if (macro) {
        v.setMacro();
      }
    }
    into.refer(sym, v);
  }

  /** True when {@code value} is a var still waiting for its namespace. */
  static boolean isPending(Object value) {
    return value instanceof Var v && v.hasRoot() && v.getRawRoot() instanceof Loader;
  }

  /** Loads the namespace of a pending var, so that its docs and source are there to read. */
  static void load(Var v) {
    if (v.getRawRoot() instanceof Loader loader) {
      loader.require();
    }
  }

  /** The root of a lazy var: requires its namespace once, then calls what the namespace defined. */
  private static final class Loader extends RestFn {
    private final String ns;
    private final String name;

    Loader(String ns, String name) {
      this.ns = ns;
      this.name = name;
    }

    @Override
    public int getRequiredArity() {
      return 0;
    }

    void require() {
      // Two sessions' first uses must not load one namespace at once (require is not safe for
      // that): the lock requiring-resolve takes.
      synchronized (RT.REQUIRE_LOCK) {
        Var v = Var.find(Symbol.intern(ns, name));
        if (v.getRawRoot() == this) {
          Clojure.var("clojure.core", "require").invoke(Symbol.intern(ns));
        }
      }
    }

    @Override
    protected Object doInvoke(Object args) {
      require();
      Var v = Var.find(Symbol.intern(ns, name));
      Object root = v.getRawRoot();
      if (root instanceof Loader) {
        throw new IllegalStateException(ns + " was loaded but does not define " + name);
      }
      if (v.isMacro() && args instanceof ISeq seq) {
        // doc, source, dir: make what the form names readable first (its own namespace loaded).
        loadNamed(seq.next() == null ? null : seq.next().next());
      }
      return ((IFn) root).applyTo((ISeq) args);
    }

    private static void loadNamed(ISeq forms) {
      for (ISeq s = forms; s != null; s = s.next()) {
        if (s.first() instanceof Symbol sym) {
          Object resolved;
          try {
            resolved = Clojure.var("clojure.core", "resolve").invoke(sym);
          } catch (RuntimeException notAVarOrClass) {
            continue; // (dir clojure.string): a namespace, which the macro itself handles
          }
          if (isPending(resolved)) {
            load((Var) resolved);
          }
        }
      }
    }
  }
}
