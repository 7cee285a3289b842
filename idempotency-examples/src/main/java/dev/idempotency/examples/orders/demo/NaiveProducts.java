package dev.idempotency.examples.orders.demo;

import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The anti-pattern's own stock ({@code shop_products}): a column read, checked and written in
 * separate steps by {@link NaiveFlashSaleController}. The defended flash sale never touches it; its
 * ledger is the library's. Thread-safe.
 */
final class NaiveProducts {
  private final JdbcTemplate jdbc;

  NaiveProducts(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** Creates or resets a product with its stock. */
  void put(String productId, long stock) {
    if (jdbc.update("UPDATE shop_products SET stock = ?, version = version + 1 WHERE product_id = ?", stock,
        productId) == 0) {
      jdbc.update("INSERT INTO shop_products (product_id, name, stock, version) VALUES (?, ?, ?, 0)", productId,
          productId, stock);
    }
  }

  Optional<Long> stock(String productId) {
    return jdbc.queryForList("SELECT stock FROM shop_products WHERE product_id = ?", Long.class, productId).stream()
        .findFirst();
  }

  /** The naive path itself: read, check, wait, write; returns the new order's id, or null when it saw none left. */
  String buy(String productId, String userId) throws InterruptedException {
    Long stock = jdbc.queryForObject("SELECT stock FROM shop_products WHERE product_id = ?", Long.class, productId);
    if (stock == null || stock <= 0) {
      return null;
    }
    // The time a real check spends (a price lookup, a coupon call): the race's window. At 5 ms a storm
    // that arrived a little spread out sometimes sold exactly the stock, and the lesson did not show.
    Thread.sleep(30);
    jdbc.update("UPDATE shop_products SET stock = stock - 1 WHERE product_id = ?", productId);
    String orderId = java.util.UUID.randomUUID().toString();
    jdbc.update("INSERT INTO shop_orders (order_id, user_id, product_id, quantity, status, kind, created_at)"
        + " VALUES (?, ?, ?, 1, 'CREATED', 'naive', ?)", orderId, userId, productId, System.currentTimeMillis());
    return orderId;
  }
}
