package dev.idempotency.examples.orders;

import java.util.Map;
import java.util.UUID;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * <b>The anti-pattern, on purpose.</b> SeckillEvolution's first version: read the stock, check it,
 * then write it and the order, as separate steps with no lock, no conditional update, no unique key
 * and none of the library. Under a storm many buyers read the same stock before any write lands, so
 * it sells more than it has and the stock goes negative. Served only with
 * {@code orders.anti-pattern=true} (the demo), under {@code /anti-pattern/}.
 */
@RestController
@ConditionalOnProperty(prefix = "orders", name = "anti-pattern", havingValue = "true")
class NaiveFlashSaleController {
  private final JdbcTemplate jdbc;

  NaiveFlashSaleController(OrderStore store) {
    this.jdbc = store.jdbc();
  }

  @PostMapping("/anti-pattern/flash-sales/{productId}/orders")
  ResponseEntity<Map<String, String>> buy(@PathVariable String productId,
      @RequestBody(required = false) Requests.FlashOrder body) throws InterruptedException {
    String user = Requests.id(body == null ? null : body.userId(), "userId");
    String product = Requests.id(productId, "productId");
    Long stock = jdbc.queryForObject("SELECT stock FROM shop_products WHERE product_id = ?", Long.class, product);
    if (stock == null || stock <= 0) {
      return ResponseEntity.status(HttpStatus.GONE).body(Map.of("status", "sold out"));
    }
    Thread.sleep(5);   // the time a real check spends (a price lookup, a coupon): the race's window
    jdbc.update("UPDATE shop_products SET stock = stock - 1 WHERE product_id = ?", product);
    String orderId = UUID.randomUUID().toString();
    jdbc.update("INSERT INTO shop_orders (order_id, user_id, product_id, quantity, status, kind, created_at)"
        + " VALUES (?, ?, ?, 1, 'CREATED', 'naive', ?)", orderId, user, product, System.currentTimeMillis());
    return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("orderId", orderId));
  }
}
