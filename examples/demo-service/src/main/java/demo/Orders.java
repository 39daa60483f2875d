package demo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Read-only queries over the {@code orders} table, and their rendering. */
public final class Orders {

  /** One row of {@code orders}. */
  public record Order(long id, String customer, long totalCents, String status) {

    /** This order as a JSON object. */
    public String toJson() {
      return "{\"id\":" + id
          + ",\"customer\":" + jsonString(customer)
          + ",\"total_cents\":" + totalCents
          + ",\"total\":" + jsonString(formatCents(totalCents))
          + ",\"status\":" + jsonString(status) + "}";
    }
  }

  private static final String SELECT = "select id, customer, total_cents, status from orders";

  private Orders() {}

  /** All orders, by id. */
  public static List<Order> list(Connection c) throws SQLException {
    List<Order> orders = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(SELECT + " order by id")) {
      while (rs.next()) {
        orders.add(read(rs));
      }
    }
    return orders;
  }

  /** The order with this id, if any. */
  public static Optional<Order> find(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(SELECT + " where id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
      }
    }
  }

  /** The sum of all orders' totals in cents, cancelled orders excluded. */
  public static long totalCents(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "select coalesce(sum(total_cents), 0) from orders where status <> 'cancelled'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Formats an amount in cents as dollars, e.g. {@code 12550 -> "$125.50"}, {@code -5 -> "-$0.05"}. */
  public static String formatCents(long cents) {
    String sign = cents < 0 ? "-" : "";
    long abs = Math.abs(cents);
    return String.format(Locale.ROOT, "%s$%d.%02d", sign, abs / 100, abs % 100);
  }

  /** A list of orders as a JSON array. */
  static String toJson(List<Order> orders) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < orders.size(); i++) {
      sb.append(i == 0 ? "" : ",").append(orders.get(i).toJson());
    }
    return sb.append("]").toString();
  }

  private static Order read(ResultSet rs) throws SQLException {
    return new Order(
        rs.getLong("id"), rs.getString("customer"), rs.getLong("total_cents"), rs.getString("status"));
  }

  private static String jsonString(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (ch < 0x20) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
          } else {
            sb.append(ch);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
