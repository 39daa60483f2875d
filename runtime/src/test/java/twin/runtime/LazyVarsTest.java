package twin.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import clojure.java.api.Clojure;
import clojure.lang.IFn;
import clojure.lang.Keyword;
import clojure.lang.Namespace;
import clojure.lang.RT;
import clojure.lang.Symbol;
import clojure.lang.Var;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class LazyVarsTest {
  private static final String SAMPLE = "twin.lazy.sample";

  /** Evaluates {@code form} with {@code *ns*} bound to {@code ns} and {@code *err*} to {@code err}. */
  private static Object eval(Namespace ns, String form, StringWriter err) {
    Var.pushThreadBindings(RT.map(RT.CURRENT_NS, ns, RT.ERR, err));
    try {
      return Clojure.var("clojure.core", "eval").invoke(Clojure.var("clojure.core", "read-string").invoke(form));
    } finally {
      Var.popThreadBindings();
    }
  }

  private static boolean loaded(String ns) {
    Object libs = ((IFn) Clojure.var("clojure.core", "loaded-libs")).invoke();
    return (Boolean) Clojure.var("clojure.core", "contains?").invoke(libs, Symbol.intern(ns));
  }

  @Test
  void aLazyVarLoadsItsNamespaceOnFirstUseAndIsTheRealVar() {
    Namespace user = Namespace.findOrCreate(Symbol.intern("lazy-user-1"));
    eval(user, "(clojure.core/refer-clojure)", new StringWriter());
    LazyVars.refer(user, SAMPLE, "twice", false);
    LazyVars.refer(user, SAMPLE, "unless", true);
    assertThat(loaded(SAMPLE)).as("nothing is loaded by referring").isFalse();
    assertThat(LazyVars.isPending(user.getMapping(Symbol.intern("twice")))).isTrue();

    StringWriter err = new StringWriter();
    assertThat(eval(user, "(twice 21)", err)).isEqualTo(42L);
    assertThat(loaded(SAMPLE)).isTrue();
    assertThat(eval(user, "(unless false :ran)", err)).isEqualTo(Keyword.intern("ran"));
    assertThat(user.getMapping(Symbol.intern("twice"))).isSameAs(Var.find(Symbol.intern(SAMPLE, "twice")));
    assertThat(eval(user, "(:doc (meta #'twice))", err)).as("the real var's docs after loading")
        .isEqualTo("Doubles x.");

    // The usual way of getting a helper refers the same var: no warning, nothing replaced.
    eval(user, "(require '[twin.lazy.sample :refer [twice unless]])", err);
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void aNameTheNamespaceAlreadyMapsIsLeftAlone() {
    Namespace user = Namespace.findOrCreate(Symbol.intern("lazy-user-2"));
    eval(user, "(clojure.core/refer-clojure)", new StringWriter());
    eval(user, "(def twice :mine)", new StringWriter());
    LazyVars.refer(user, SAMPLE, "twice", false);
    assertThat(eval(user, "twice", new StringWriter())).isEqualTo(Keyword.intern("mine"));
  }

  @Test
  void aNamespaceThatDoesNotDefineTheNameIsAClearError() {
    Namespace user = Namespace.findOrCreate(Symbol.intern("lazy-user-3"));
    eval(user, "(clojure.core/refer-clojure)", new StringWriter());
    LazyVars.refer(user, "clojure.set", "no-such-fn", false);
    assertThatThrownBy(() -> eval(user, "(no-such-fn)", new StringWriter()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("clojure.set was loaded but does not define no-such-fn");
  }
}
