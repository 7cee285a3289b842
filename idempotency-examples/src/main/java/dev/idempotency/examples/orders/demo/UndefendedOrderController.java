package dev.idempotency.examples.orders.demo;

import dev.idempotency.examples.orders.order.OrderStore;
import dev.idempotency.examples.orders.order.SubmitOrder;
import dev.idempotency.examples.orders.web.Requests;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * <b>No defence, on purpose</b>: {@code POST /orders} as a service without the library would write
 * it, one {@code INSERT} of the order per request, so a double click makes two orders. It is the
 * yardstick of the benchmark of the HTTP path (what the full defence costs per request), served only
 * with {@code orders.anti-pattern=true}, under {@code /anti-pattern/}.
 */
@RestController
@ConditionalOnProperty(prefix = "orders", name = "anti-pattern", havingValue = "true")
class UndefendedOrderController {
  private final JdbcTemplate jdbc;

  UndefendedOrderController(OrderStore store) {
    this.jdbc = store.jdbc();
  }

  @PostMapping("/anti-pattern/orders")
  ResponseEntity<Map<String, String>> submit(@RequestBody(required = false) Requests.OrderForm form) {
    SubmitOrder s = Requests.submit(form, false);
    String orderId = UUID.randomUUID().toString();
    jdbc.update("INSERT INTO shop_orders (order_id, user_id, product_id, quantity, status, kind, created_at)"
        + " VALUES (?, ?, ?, ?, 'CREATED', 'undefended', ?)", orderId, s.userId(), s.productId(), s.quantity(),
        System.currentTimeMillis());
    return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("orderId", orderId));
  }
}
