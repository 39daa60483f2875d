(ns twin.sql
  "Investigative SQL in the twin, with the service's own JDBC driver: sql, sql!, tables,
  describe, explain and with-db. The databases come from the profile (databases:, datasource:);
  read-only by default. Loaded on first use: `user` refers these vars before they are loaded
  (twin.runtime.LazyVars), and the first call loads this namespace."
  (:import (twin.runtime SessionOutput)
           (twin.runtime.sql Databases SqlSession SqlFailure Writers Writers$Table)))

(def ^:dynamic *db*
  "The session the helpers use inside with-db; nil means the profile's default database."
  nil)

(defn- db-name [db]
  (cond (nil? db) nil
        (or (keyword? db) (symbol? db)) (name db)
        :else (str db)))

(defn- session ^SqlSession []
  (if (instance? SqlSession *db*)
    *db*
    (.shared (Databases/get) nil *err*)))

(defn- rows [^Writers$Table t]
  (let [ks (mapv keyword (.labels t))]
    (mapv (fn [^objects v] (apply array-map (interleave ks v))) (.values t))))

(defn- run-table [^SqlSession s query params write limit]
  (let [t (Writers$Table. *out* true)]
    (.run s query (to-array params) t (long limit) (boolean write))
    t))

(defn sql
  "Runs query with ? params, prints at most max-rows rows as a table (then how many more there
  were) and returns the shown rows as maps. (sql \"select * from orders where id = ?\" 42)"
  [query & params]
  (let [s (session)]
    (rows (run-table s query params false (.maxRows (.spec s))))))

(defn sql!
  "Runs a statement that changes data and returns the number of rows it changed. Refused in
  read-only mode; in sandbox mode the change is rolled back when the session ends."
  [statement & params]
  (let [s (session)
        t (run-table s statement params true (.maxRows (.spec s)))]
    (if (neg? (.updatedCount t)) (rows t) (.updatedCount t))))

(defn tables
  "Prints the database's tables and views (from the driver's metadata) and returns them."
  []
  (let [s (session)
        t (Writers$Table. *out* true)]
    (.tables s t -1)
    (rows t)))

(defn describe
  "Prints the columns of table (\"orders\" or \"schema.orders\") and returns them."
  [table]
  (let [s (session)
        t (Writers$Table. *out* true)]
    (.describe s (str table) t)
    (rows t)))

(defn explain
  "Prints the plan of query: EXPLAIN on PostgreSQL, EXPLAIN QUERY PLAN on SQLite."
  [query & params]
  (let [s (session)]
    (rows (run-table s (.explainStatement s query) params false -1))))

(defmacro with-db
  "Runs body with the helpers on database db (a name from the profile's databases:, as keyword,
  symbol or string), on a connection of its own that is rolled back and closed when body ends.
  (with-db :analytics (sql \"select count(*) from events\"))"
  [db & body]
  `(let [s# (.open (Databases/get) (#'twin.sql/db-name ~db) *err*)]
     (try
       (binding [*db* s#] ~@body)
       (finally (.close ^SqlSession s#)))))

(defn cli
  "What `twin sql` runs: one query on its own connection, streamed as table, csv or json straight
  to the session's output (twin.runtime.SessionOutput; *out* only off a session thread, so a
  rebound *out* does not catch it). Returns :twin.sql/ok, or prints one error line to *err* and
  returns :twin.sql/failed. statement-timeout-ms, when given, replaces the database's
  statement-timeout for this query."
  [{:keys [db format max-rows statement-timeout-ms query]}]
  (try
    (with-open [s (.open (Databases/get) (db-name db) *err*
                         (when statement-timeout-ms (java.time.Duration/ofMillis statement-timeout-ms)))]
      (let [limit (long (if (= :default max-rows) (.maxRows (.spec s)) max-rows))
            ;; cli is the whole form twin sql sends, so *out* is the session's own: rows may
            ;; skip it (SessionOutput).
            out (or (SessionOutput/current) *out*)
            sink (case format
                   "csv" (Writers/csv out *err*)
                   "json" (Writers/json out *err*)
                   (Writers$Table. out false))]
        (.run s query nil sink limit false)
        :twin.sql/ok))
    (catch SqlFailure e
      (binding [*out* *err*]
        (println (str "twin: error: " (.getMessage e))))
      :twin.sql/failed)))
