package dev.idempotency.examples.orders.web;

import dev.idempotency.examples.orders.async.AsyncOrders;
import dev.idempotency.examples.orders.order.Order;
import dev.idempotency.examples.orders.order.OrderService;
import dev.idempotency.examples.orders.order.OrderStatus;
import dev.idempotency.examples.orders.order.OrderStore;
import dev.idempotency.spring.web.IdempotentRequest;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Tokens, orders, their lifecycle and async requests. Errors are {@code application/problem+json} ({@link ProblemAdvice}). */
@RestController
class OrderController {
  private final OrderService orders;
  private final AsyncOrders async;

  OrderController(OrderService orders, AsyncOrders async) {
    this.orders = orders;
    this.async = async;
  }

  @PostMapping("/tokens")
  ResponseEntity<Map<String, String>> token(@RequestBody(required = false) Requests.TokenRequest body) {
    String user = Requests.id(body == null ? null : body.userId(), "userId");
    return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("token", orders.issueToken(user)));
  }

  /** 201 with the new order; 200 with the existing one if the database found this form's order. */
  @PostMapping("/orders")
  @IdempotentRequest(namespace = "orders")
  ResponseEntity<Order> submit(@RequestBody(required = false) Requests.OrderForm form) {
    OrderStore.Placed placed = orders.submit(Requests.submit(form, true));
    Order o = placed.order();
    return ResponseEntity.status(placed.created() ? HttpStatus.CREATED : HttpStatus.OK)
        .location(URI.create("/orders/" + o.orderId())).body(o);
  }

  @PostMapping("/orders/async")
  @IdempotentRequest(namespace = "order-requests")
  ResponseEntity<Map<String, String>> submitAsync(@RequestBody(required = false) Requests.OrderForm form) {
    String requestId = async.submit(Requests.submit(form, false));
    return ResponseEntity.accepted().location(URI.create("/orders/requests/" + requestId))
        .body(Map.of("requestId", requestId, "status", "pending"));
  }

  @GetMapping("/orders/requests/{requestId}")
  ResponseEntity<Map<String, Object>> request(@PathVariable String requestId) {
    return async.request(Requests.id(requestId, "requestId")).map(r -> {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("requestId", r.requestId());
      body.put("kind", r.kind());
      body.put("status", r.status().toLowerCase(java.util.Locale.ROOT));
      body.put("deliveries", r.deliveries());
      if (r.detail() != null) {
        body.put("detail", r.detail());
      }
      if (r.orderId() != null) {
        orders.order(r.orderId()).ifPresent(o -> body.put("order", o));
      }
      return ResponseEntity.ok(body);
    }).orElseThrow(() -> new Requests.NotFoundException("no request " + requestId));
  }

  @GetMapping("/orders/{orderId}")
  ResponseEntity<Order> order(@PathVariable String orderId) {
    return ResponseEntity.ok(orders.order(Requests.id(orderId, "orderId"))
        .orElseThrow(() -> new Requests.NotFoundException("no order " + orderId)));
  }

  @PostMapping("/orders/{orderId}/pay")
  ResponseEntity<Order> pay(@PathVariable String orderId) {
    return ResponseEntity.ok(orders.move(Requests.id(orderId, "orderId"), OrderStatus.PAID)
        .orElseThrow(() -> new Requests.NotFoundException("no order " + orderId)));
  }

  @PostMapping("/orders/{orderId}/ship")
  ResponseEntity<Order> ship(@PathVariable String orderId) {
    return ResponseEntity.ok(orders.move(Requests.id(orderId, "orderId"), OrderStatus.SHIPPED)
        .orElseThrow(() -> new Requests.NotFoundException("no order " + orderId)));
  }

  @PostMapping("/orders/{orderId}/cancel")
  ResponseEntity<Order> cancel(@PathVariable String orderId) {
    return ResponseEntity.ok(orders.move(Requests.id(orderId, "orderId"), OrderStatus.CANCELLED)
        .orElseThrow(() -> new Requests.NotFoundException("no order " + orderId)));
  }
}
