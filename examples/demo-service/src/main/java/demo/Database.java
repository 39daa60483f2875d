package demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;

/** The demo service's SQLite database: connections, schema, seed data and the events log. */
public final class Database {

  private Database() {}

  /**
   * Opens a new connection to the configured database file. Nothing is created on disk beyond
   * what SQLite itself creates; the caller closes the connection.
   */
  public static Connection connect(Config config) throws SQLException {
    return DriverManager.getConnection(config.jdbcUrl());
  }

  /** Creates the database's parent directories, then the tables if absent, seeding orders once. */
  static void migrate(Config config) throws Exception {
    Path parent = config.dbPath().toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (Connection c = connect(config); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.executeUpdate(
          "create table if not exists events("
              + "id integer primary key autoincrement, kind text not null, at text not null)");
      s.executeUpdate(
          "create table if not exists orders(id integer primary key, customer text not null,"
              + " total_cents integer not null, status text not null)");
      try (ResultSet rs = s.executeQuery("select count(*) from orders")) {
        if (rs.next() && rs.getLong(1) == 0) {
          s.executeUpdate(
              "insert into orders(id, customer, total_cents, status) values"
                  + " (1, 'Ada Lovelace', 4200, 'paid'),"
                  + " (2, 'Alan Turing', 1999, 'shipped'),"
                  + " (3, 'Grace Hopper', 12550, 'paid'),"
                  + " (4, 'Edsger Dijkstra', 800, 'cancelled'),"
                  + " (5, 'Barbara Liskov', 3075, 'pending')");
        }
      }
      c.commit();
    }
  }

  /** Appends one row to {@code events}, stamped with the current instant in ISO-8601. */
  static void recordEvent(Config config, String kind) throws SQLException {
    try (Connection c = connect(config);
        PreparedStatement ps = c.prepareStatement("insert into events(kind, at) values (?, ?)")) {
      ps.setString(1, kind);
      ps.setString(2, Instant.now().toString());
      ps.executeUpdate();
    }
  }
}
