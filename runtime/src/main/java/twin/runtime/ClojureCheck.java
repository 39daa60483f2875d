package twin.runtime;

/** Finds out, without linking Clojure, whether the classpath holds a Clojure the twin can use. */
final class ClojureCheck {
  private ClojureCheck() {}

  /** Null when Clojure and spec.alpha are on the classpath, else a message saying what is wrong. */
  static String problem() {
    ClassLoader loader = TwinMain.class.getClassLoader();
    if (loader.getResource("clojure/core__init.class") == null
        && loader.getResource("clojure/core.clj") == null) {
      return "no Clojure on the twin's classpath (clojure.core not found)";
    }
    if (loader.getResource("clojure/spec/alpha__init.class") == null
        && loader.getResource("clojure/spec/alpha.clj") == null) {
      return "the service's classpath has Clojure but not org.clojure/spec.alpha, which Clojure needs to start";
    }
    return null;
  }
}
