package dev.idempotency.examples.orders.demo;

import dev.idempotency.examples.orders.order.Order;
import dev.idempotency.examples.orders.order.OrderStatus;
import dev.idempotency.examples.orders.order.OrderStore;
import dev.idempotency.examples.orders.order.SubmitOrder;
import dev.idempotency.examples.orders.web.Requests;
import java.net.URI;
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
 * yardstick of the benchmark of the HTTP path (what the full defence costs per request), so it
 * answers as the defended route does (201, the order's {@code Location}, the order as JSON): the
 * difference between the two is the defence, not the size of the answer. Served only with
 * {@code orders.anti-pattern=true}, under {@code /anti-pattern/}.
 */
@RestController
@ConditionalOnProperty(prefix = "orders", name = "anti-pattern", havingValue = "true")
class UndefendedOrderController {
  private final JdbcTemplate jdbc;

  UndefendedOrderController(OrderStore store) {
    this.jdbc = store.jdbc();
  }

  @PostMapping("/anti-pattern/orders")
  ResponseEntity<Order> submit(@RequestBody(required = false) Requests.OrderForm form) {
    SubmitOrder s = Requests.submit(form, false);
    Order o = new Order(UUID.randomUUID().toString(), s.userId(), s.productId(), s.quantity(), OrderStatus.CREATED,
        "undefended");
    jdbc.update("INSERT INTO shop_orders (order_id, user_id, product_id, quantity, status, kind, created_at)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?)", o.orderId(), o.userId(), o.productId(), o.quantity(), o.status().name(),
        o.kind(), System.currentTimeMillis());
    return ResponseEntity.status(HttpStatus.CREATED).location(URI.create("/orders/" + o.orderId())).body(o);
  }
}
