package demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The demo service: an HTTP API over a SQLite orders table, with a heartbeat job.
 *
 * <p>All side effects happen in {@link #main}; loading this class does nothing, which is what a
 * twin relies on.
 */
public final class DemoService {

  static final long HEARTBEAT_SECONDS = 5;

  private final Config config;
  private final byte[] expectedAuthorization;

  private DemoService(Config config) {
    this.config = config;
    this.expectedAuthorization =
        ("Bearer " + config.apiToken()).getBytes(StandardCharsets.UTF_8);
  }

  /** Reads the configuration, prepares the database, binds the port and starts the heartbeat. */
  public static void main(String[] args) throws Exception {
    Config config;
    try {
      config = Config.fromEnv();
    } catch (IllegalArgumentException e) {
      System.err.println("demo: " + e.getMessage());
      System.exit(2);
      return;
    }
    try {
      new DemoService(config).start();
    } catch (BindException e) {
      System.err.println("demo: cannot bind 127.0.0.1:" + config.port() + ": " + e.getMessage());
      System.exit(1);
    }
  }

  private void start() throws Exception {
    Database.migrate(config);
    Database.recordEvent(config, "startup");

    HttpServer server = HttpServer.create(
        new InetSocketAddress("127.0.0.1", config.port()), 0);
    server.createContext("/", this::handle);
    server.start();

    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "demo-heartbeat");
      t.setDaemon(true);
      return t;
    });
    scheduler.scheduleAtFixedRate(
        this::heartbeat, HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);

    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      scheduler.shutdownNow();
      server.stop(0);
    }, "demo-shutdown"));

    InetSocketAddress bound = server.getAddress();
    System.out.println(
        "demo: listening on " + bound.getAddress().getHostAddress() + ":" + bound.getPort());
  }

  private void heartbeat() {
    // An exception escaping a periodic task would cancel every later run.
    try {
      Database.recordEvent(config, "heartbeat");
    } catch (Exception e) {
      System.err.println("demo: heartbeat failed: " + e);
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    try {
      String path = ex.getRequestURI().getPath();
      if (!"GET".equals(ex.getRequestMethod())) {
        ex.getResponseHeaders().set("Allow", "GET");
        respond(ex, 405, "text/plain", "method not allowed\n");
      } else if (path.equals("/health")) {
        respond(ex, 200, "text/plain", "ok\n");
      } else if (!authorized(ex)) {
        ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        respond(ex, 401, "text/plain", "unauthorized\n");
      } else if (path.equals("/orders")) {
        try (Connection c = Database.connect(config)) {
          respond(ex, 200, "application/json", Orders.toJson(Orders.list(c)) + "\n");
        }
      } else if (path.startsWith("/orders/")) {
        order(ex, path.substring("/orders/".length()));
      } else {
        respond(ex, 404, "text/plain", "not found\n");
      }
    } catch (Exception e) {
      System.err.println("demo: " + ex.getRequestURI().getPath() + ": " + e);
      if (ex.getResponseCode() == -1) {
        respond(ex, 500, "text/plain", "internal error\n");
      }
    } finally {
      ex.close();
    }
  }

  private void order(HttpExchange ex, String idText) throws Exception {
    long id;
    try {
      id = Long.parseLong(idText);
    } catch (NumberFormatException e) {
      respond(ex, 400, "text/plain", "order id must be a number\n");
      return;
    }
    try (Connection c = Database.connect(config)) {
      var order = Orders.find(c, id);
      if (order.isPresent()) {
        respond(ex, 200, "application/json", order.get().toJson() + "\n");
      } else {
        respond(ex, 404, "text/plain", "no order " + id + "\n");
      }
    }
  }

  private boolean authorized(HttpExchange ex) {
    String given = ex.getRequestHeaders().getFirst("Authorization");
    // Constant-time, so response timing does not leak how much of the token matched.
    return given != null
        && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expectedAuthorization);
  }

  private static void respond(HttpExchange ex, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}
