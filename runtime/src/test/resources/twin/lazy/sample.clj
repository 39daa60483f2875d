(ns twin.lazy.sample
  "A namespace for LazyVarsTest: loading it is what the test watches.")

(defn twice
  "Doubles x."
  [x]
  (* 2 x))

(defmacro unless
  "Evaluates body when test is false."
  [test & body]
  `(if ~test nil (do ~@body)))
