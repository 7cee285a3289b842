package dev.idempotency.examples.orders;

import dev.idempotency.IdempotencyEvent;
import dev.idempotency.IdempotencyListener;
import dev.idempotency.defence.LayerDecision;
import dev.idempotency.defence.LayerListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What each layer let through, stopped (by reason), replayed, and failed on: {@code GET /stats}, and
 * the Micrometer counter {@code orders.layer} (tags {@code layer}, {@code outcome}) on
 * {@code /actuator/metrics}. Every defence reports its layers' decisions here ({@link #decided}); the
 * {@code Idempotency-Key} filter is counted through the library's events ({@link #keyListener}), and
 * the database, queue and state-machine steps by the service's own calls.
 * Thread-safe.
 */
public final class LayerStats implements LayerListener {
  /** The namespaces of the routes with an {@code Idempotency-Key}. */
  static final Set<String> KEYED_NAMESPACES = Set.of("orders", "order-requests");

  /** One layer and outcome's count, and its meter (null without Micrometer). */
  private record Tally(LongAdder count, Counter meter) {
    void increment() {
      count.increment();
      if (meter != null) {
        meter.increment();
      }
    }
  }

  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Tally>> counts = new ConcurrentHashMap<>();
  private final MeterRegistry registry;

  /** @param registry where the counters are also registered, or null without Micrometer */
  public LayerStats(MeterRegistry registry) {
    this.registry = registry;
  }

  /** @param layer a step the service runs itself (database, queue, state machine) that let a request through */
  public void passed(String layer) {
    add(layer, "passed");
  }

  /** @param layer a step that answered a repeat with what it did before */
  public void replayed(String layer) {
    add(layer, "replayed");
  }

  /**
   * @param layer a step that stopped a request
   * @param reason why, as a short upper-case reason
   */
  public void stopped(String layer, String reason) {
    add(layer, "stopped:" + reason);
  }

  /** @param layer a step that failed */
  public void error(String layer) {
    add(layer, "errors");
  }

  /** @return layer to outcome to count, sorted; a copy */
  public Map<String, Map<String, Long>> snapshot() {
    Map<String, Map<String, Long>> out = new TreeMap<>();
    counts.forEach((layer, byOutcome) -> {
      Map<String, Long> m = new TreeMap<>();
      byOutcome.forEach((outcome, t) -> m.put(outcome, t.count().sum()));
      out.put(layer, m);
    });
    return out;
  }

  private void add(String layer, String outcome) {
    // Every request passes here several times: plain lookups first, no key built per call.
    ConcurrentHashMap<String, Tally> byOutcome = counts.get(layer);
    if (byOutcome == null) {
      byOutcome = counts.computeIfAbsent(layer, l -> new ConcurrentHashMap<>());
    }
    Tally tally = byOutcome.get(outcome);
    if (tally == null) {
      tally = byOutcome.computeIfAbsent(outcome, o -> new Tally(new LongAdder(), registry == null ? null
          : Counter.builder("orders.layer")
              .description("requests per layer of the order service's defence, by outcome")
              .tag("layer", layer).tag("outcome", outcome).register(registry)));
    }
    tally.increment();
  }

  /** Counts the {@code Idempotency-Key} filter's decisions, from the engine's events. */
  IdempotencyListener keyListener() {
    return (event, namespace) -> {
      if (!KEYED_NAMESPACES.contains(namespace)) {
        return;
      }
      if (event == IdempotencyEvent.EXECUTED) {
        passed("idempotency-key");
      } else if (event == IdempotencyEvent.REPLAYED) {
        replayed("idempotency-key");
      } else if (event == IdempotencyEvent.IN_PROGRESS) {
        stopped("idempotency-key", "IN_PROGRESS");
      } else if (event == IdempotencyEvent.KEY_REUSED) {
        stopped("idempotency-key", "KEY_REUSED");
      } else if (event == IdempotencyEvent.STORE_UNAVAILABLE) {
        error("idempotency-key");
      }
    };
  }

  /**
   * Counts a defence's layers from the decisions the defence reports
   * ({@code LayeredDefence.Builder.layerListener}): passed, replayed, stopped by reason, skipped
   * (store down, layer on {@code skip}) and errors.
   *
   * @param decision one layer's decision
   */
  @Override
  public void decided(LayerDecision decision) {
    switch (decision.kind()) {
      case PASSED -> passed(decision.layer());
      case REPLAYED -> replayed(decision.layer());
      case STOPPED -> stopped(decision.layer(), decision.reason().name());
      case SKIPPED -> add(decision.layer(), "skipped");
      case FAILED -> error(decision.layer());
    }
  }
}
