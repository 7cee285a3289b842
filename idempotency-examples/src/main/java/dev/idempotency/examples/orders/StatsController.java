package dev.idempotency.examples.orders;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /stats}: per layer, what it let through, stopped (by reason), replayed, and errors. */
@RestController
class StatsController {
  private final LayerStats stats;
  private final OrderService orders;

  StatsController(LayerStats stats, OrderService orders) {
    this.stats = stats;
    this.orders = orders;
  }

  @GetMapping("/stats")
  Map<String, Object> stats() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("layers", stats.snapshot());
    body.put("deadLettered", orders.deadLettered());
    return body;
  }
}
