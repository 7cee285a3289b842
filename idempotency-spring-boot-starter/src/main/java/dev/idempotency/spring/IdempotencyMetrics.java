package dev.idempotency.spring;

import dev.idempotency.IdempotencyEvent;
import dev.idempotency.IdempotencyListener;
import dev.idempotency.defence.LayerDecision;
import dev.idempotency.defence.LayerListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Micrometer meters of the library, named and tagged like Spring's own:
 * <ul>
 *   <li>{@code idempotency.events} (counter), tags {@code event} (the {@link IdempotencyEvent} in
 *       lower case: {@code executed}, {@code replayed}, {@code in_progress}, {@code key_reused}, ...)
 *       and {@code namespace};</li>
 *   <li>{@code idempotency.store} (timer), tags {@code operation} ({@code claim}, {@code complete},
 *       {@code release}, {@code find}), {@code outcome} ({@code success}, {@code error}) and
 *       {@code backend}: one sample per round trip of the idempotent call's store;</li>
 *   <li>{@code idempotency.defence.layer} (counter), tags {@code defence}, {@code layer},
 *       {@code decision} ({@code passed}, {@code replayed}, {@code stopped}, {@code skipped},
 *       {@code failed}) and {@code reason} (why it stopped, in lower case, or {@code none}): one per
 *       layer and request of a {@code LayeredDefence} built with
 *       {@code .layerListener(metrics)}.</li>
 * </ul>
 * A listener of every strategy and defence built with it; thread-safe, and it never throws.
 */
public final class IdempotencyMetrics implements IdempotencyListener, LayerListener {
  private final MeterRegistry registry;
  private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();

  /**
   * Meters in a registry.
   *
   * @param registry the registry
   */
  public IdempotencyMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void onEvent(IdempotencyEvent event, String namespace) {
    String ns = namespace == null ? "none" : namespace;
    counters.computeIfAbsent(event.ordinal() + "|" + ns, k -> Counter.builder("idempotency.events")
        .description("Outcomes of the idempotency strategies")
        .tag("event", event.name().toLowerCase(Locale.ROOT))
        .tag("namespace", ns)
        .register(registry)).increment();
  }

  @Override
  public void decided(LayerDecision d) {
    String reason = d.reason() == null ? "none" : d.reason().name().toLowerCase(Locale.ROOT);
    String decision = d.kind().name().toLowerCase(Locale.ROOT);
    counters.computeIfAbsent("layer|" + d.defence() + '|' + d.layer() + '|' + decision + '|' + reason,
        k -> Counter.builder("idempotency.defence.layer")
            .description("Decisions of each layer of a layered defence")
            .tag("defence", d.defence())
            .tag("layer", d.layer())
            .tag("decision", decision)
            .tag("reason", reason)
            .register(registry)).increment();
  }

  Timer storeTimer(String operation, String outcome, String backend) {
    return Timer.builder("idempotency.store")
        .description("Round trips of the idempotent call's store")
        .tag("operation", operation)
        .tag("outcome", outcome)
        .tag("backend", backend)
        .register(registry);
  }
}
