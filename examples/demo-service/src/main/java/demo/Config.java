package demo;

import java.nio.file.Path;
import java.util.Map;

/**
 * The demo service's configuration, read only from {@code DEMO_*} environment variables.
 *
 * <p>Building one has no side effects, so a twin can call {@code (demo.Config/fromEnv)} and
 * inspect it. {@link #toString()} masks the API token.
 *
 * @param port the HTTP port, bound on 127.0.0.1; 0 picks a free port
 * @param dbPath the SQLite database file as given; relative paths resolve against the working
 *     directory
 * @param apiToken the bearer token every request except {@code /health} must carry; a secret
 */
public record Config(int port, Path dbPath, String apiToken) {

  public static final String PORT = "DEMO_PORT";
  public static final String DB_PATH = "DEMO_DB_PATH";
  public static final String API_TOKEN = "DEMO_API_TOKEN";

  static final int DEFAULT_PORT = 8080;
  static final String DEFAULT_DB_PATH = "var/demo.db";

  /** Reads the configuration from this process's environment. */
  public static Config fromEnv() {
    return fromEnv(System.getenv());
  }

  /**
   * Reads the configuration from {@code env}; absent or blank variables take their defaults.
   *
   * @throws IllegalArgumentException if {@code DEMO_API_TOKEN} is missing or {@code DEMO_PORT}
   *     is not a port number; the message never contains the token
   */
  public static Config fromEnv(Map<String, String> env) {
    String token = env.get(API_TOKEN);
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException(API_TOKEN + " is not set; it is required");
    }
    String dbPath = env.get(DB_PATH);
    return new Config(
        parsePort(env.get(PORT)),
        Path.of(dbPath == null || dbPath.isBlank() ? DEFAULT_DB_PATH : dbPath),
        token);
  }

  private static int parsePort(String value) {
    if (value == null || value.isBlank()) {
      return DEFAULT_PORT;
    }
    try {
      int port = Integer.parseInt(value.trim());
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // Reported below with the same message as an out-of-range number.
    }
    throw new IllegalArgumentException(PORT + " must be a port number (0-65535), got: " + value);
  }

  /** The JDBC URL of {@link #dbPath()}, made absolute against the working directory. */
  public String jdbcUrl() {
    return "jdbc:sqlite:" + dbPath.toAbsolutePath();
  }

  @Override
  public String toString() {
    return "Config[port=" + port + ", dbPath=" + dbPath + ", apiToken=***]";
  }
}
