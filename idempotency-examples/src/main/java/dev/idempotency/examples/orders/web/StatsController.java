package dev.idempotency.examples.orders.web;

import dev.idempotency.examples.orders.LayerStats;
import dev.idempotency.examples.orders.async.AsyncOrders;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /stats}: per layer, what it let through, stopped (by reason), replayed, and errors. */
@RestController
class StatsController {
  private final LayerStats stats;
  private final AsyncOrders async;

  StatsController(LayerStats stats, AsyncOrders async) {
    this.stats = stats;
    this.async = async;
  }

  @GetMapping("/stats")
  Map<String, Object> stats() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("layers", stats.snapshot());
    body.put("deadLettered", async.deadLettered());
    return body;
  }
}
