package dev.idempotency.spring.web;

import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** A small order API for the HTTP tests. */
@SpringBootApplication
public class WebApp {
  /** For Spring. */
  public WebApp() {}

  /** The order request. */
  public record OrderRequest(String product, int quantity) { }

  /** The created order. */
  public record Order(int id, String product, int quantity) { }

  /** The routes. */
  @RestController
  public static class OrderController {
    final AtomicInteger created = new AtomicInteger();
    final AtomicInteger failures = new AtomicInteger();
    volatile CountDownLatch entered = new CountDownLatch(0);
    volatile CountDownLatch release = new CountDownLatch(0);

    /** For Spring. */
    public OrderController() {}

    /**
     * Creates an order.
     *
     * @param request the order
     * @return 201 with the order
     * @throws InterruptedException never in practice
     */
    @PostMapping("/orders")
    @IdempotentRequest(namespace = "orders")
    public ResponseEntity<Order> create(@RequestBody OrderRequest request) throws InterruptedException {
      entered.countDown();
      release.await(10, TimeUnit.SECONDS);
      Order o = new Order(created.incrementAndGet(), request.product(), request.quantity());
      return ResponseEntity.created(URI.create("/orders/" + o.id())).body(o);
    }

    /**
     * Fails with 503 the first time, then succeeds.
     *
     * @param id any id
     * @return 503, then 200
     */
    @PostMapping("/flaky/{id}")
    @IdempotentRequest
    public ResponseEntity<String> flaky(@PathVariable String id) {
      if (failures.getAndIncrement() == 0) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body("try again");
      }
      return ResponseEntity.ok("done " + id + " after " + failures.get());
    }

    /**
     * Not opted in.
     *
     * @return a new number each time
     */
    @PostMapping("/plain")
    public String plain() {
      return "plain " + created.incrementAndGet();
    }
  }
}
