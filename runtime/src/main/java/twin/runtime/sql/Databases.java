package twin.runtime.sql;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The twin's named databases, read from the file the launcher wrote into the twin's private
 * directory (system property {@code twin.sql.config}), and the one shared session per database
 * that the REPL helpers use. Nothing here runs until a helper is first called.
 */
public final class Databases {
  /** The system property naming the config file. */
  public static final String CONFIG_PROPERTY = "twin.sql.config";
  private static volatile Databases instance;

  private final Properties config;
  private final List<String> names;
  private final Map<String, SqlSession> shared = new ConcurrentHashMap<>();
  private final Function<String, String> env;

  Databases(Properties config, Function<String, String> env) {
    this.config = config;
    this.env = env;
    List<String> list = new ArrayList<>();
    for (String n : config.getProperty("databases", "").split(",")) {
      if (!n.isBlank()) {
        list.add(n.strip());
      }
    }
    this.names = List.copyOf(list);
  }

  /** The twin's databases, read once. */
  public static Databases get() {
    Databases d = instance;
    if (d == null) {
      synchronized (Databases.class) {
        d = instance;
        if (d == null) {
          d = load(System.getProperty(CONFIG_PROPERTY));
          Databases made = d;
          Runtime.getRuntime().addShutdownHook(new Thread(made::closeAll, "twin-sql-rollback"));
          instance = d;
        }
      }
    }
    return d;
  }

  static Databases load(String file) {
    Properties p = new Properties();
    if (file != null) {
      try (Reader r = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
        p.load(r);
      } catch (IOException e) {
        throw new SqlFailure("cannot read the twin's database settings (" + file + "): " + e.getMessage());
      }
    }
    return new Databases(p, System::getenv);
  }

  /** The profile's database names, in profile order. */
  public List<String> names() {
    return names;
  }

  /** The profile's name: from the file, or the {@code twin.profile} property every twin has. */
  private String profile() {
    return config.getProperty("profile", System.getProperty("twin.profile", "?"));
  }

  /** {@code main} when there is one, else the first. */
  public String defaultName() {
    if (names.isEmpty()) {
      throw new SqlFailure("this twin has no databases: add a databases: section (or datasource:) to the profile "
          + profile() + "; see profiles/README.md");
    }
    return names.contains("main") ? "main" : names.get(0);
  }

  /** The settings of database {@code name}. */
  public DbSpec spec(String name) {
    if (name == null) {
      name = defaultName();
    }
    if (!names.contains(name)) {
      throw new SqlFailure("no database '" + name + "' in profile " + profile()
          + (names.isEmpty() ? " (it has none)" : "; it has: " + String.join(", ", names)));
    }
    return DbSpec.from(config, name);
  }

  /** The long-lived session of {@code name} (null: the default), reconnecting when it broke. */
  public SqlSession shared(String name, Writer err) {
    DbSpec spec = spec(name);
    synchronized (shared) {
      SqlSession s = shared.get(spec.name());
      if (s != null && s.isBroken()) {
        s.close();
        shared.remove(spec.name());
        tell(err, "the connection to database '" + spec.name() + "' was lost; reconnecting"
            + (spec.mode().equals(DbSpec.SANDBOX) ? " (the sandbox's earlier changes are gone)" : ""));
        s = null;
      }
      if (s == null) {
        s = open(spec, err);
        shared.put(spec.name(), s);
      }
      return s;
    }
  }

  /** A new session of {@code name} (null: the default) that the caller closes. */
  public SqlSession open(String name, Writer err) {
    return open(name, err, null);
  }

  /** As {@link #open(String, Writer)}, with the statement timeout given (null: the profile's). */
  public SqlSession open(String name, Writer err, java.time.Duration statementTimeout) {
    DbSpec spec = spec(name);
    return open(statementTimeout == null ? spec : spec.withStatementTimeout(statementTimeout), err);
  }

  private SqlSession open(DbSpec spec, Writer err) {
    SqlSession s = SqlSession.open(spec, applicationName(), Boolean.parseBoolean(config.getProperty("allow-writes")),
        env, Databases::evaluate);
    tell(err, s.warning());
    return s;
  }

  /** {@code twin:<profile>:<user>}, so a DBA can find (and end) the twin's sessions. */
  public String applicationName() {
    return "twin:" + profile() + ":" + config.getProperty("os-user", "");
  }

  /** Closes (and so rolls back) a shared session, e.g. when a {@code with-db} block ends. */
  public void closeShared(String name) {
    synchronized (shared) {
      SqlSession s = shared.remove(name);
      if (s != null) {
        s.close();
      }
    }
  }

  void closeAll() {
    synchronized (shared) {
      shared.values().forEach(SqlSession::close);
      shared.clear();
    }
  }

  private static void tell(Writer err, String line) {
    if (line == null || err == null) {
      return;
    }
    try {
      err.write("twin: " + line + "\n");
      err.flush();
    } catch (IOException ignored) {
      // a warning that cannot be shown must not stop the query
    }
  }

  /** Evaluates a profile's {@code datasource:} form in Clojure. */
  private static Object evaluate(String form) {
    return clojure.java.api.Clojure.var("clojure.core", "load-string").invoke(form);
  }
}
