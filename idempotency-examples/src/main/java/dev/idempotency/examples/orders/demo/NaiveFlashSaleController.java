package dev.idempotency.examples.orders.demo;

import dev.idempotency.examples.orders.order.OrderStore;
import dev.idempotency.examples.orders.web.Requests;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
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
  private final NaiveProducts products;

  NaiveFlashSaleController(OrderStore store) {
    this.products = new NaiveProducts(store.jdbc());
  }

  @PostMapping("/anti-pattern/flash-sales/{productId}/orders")
  ResponseEntity<Map<String, String>> buy(@PathVariable String productId,
      @RequestBody(required = false) Requests.FlashOrder body) throws InterruptedException {
    String user = Requests.id(body == null ? null : body.userId(), "userId");
    String orderId = products.buy(Requests.id(productId, "productId"), user);
    if (orderId == null) {
      return ResponseEntity.status(HttpStatus.GONE).body(Map.of("status", "sold out"));
    }
    return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("orderId", orderId));
  }
}
