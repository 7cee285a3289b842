package dev.idempotency.spring;

import dev.idempotency.IdempotencyEvent;
import dev.idempotency.IdempotencyListener;
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
 *       {@code backend}: one sample per round trip of the idempotent call's store.</li>
 * </ul>
 * A listener of every strategy built with it; thread-safe, and it never throws.
 */
public final class IdempotencyMetrics implements IdempotencyListener {
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

  Timer storeTimer(String operation, String outcome, String backend) {
    return Timer.builder("idempotency.store")
        .description("Round trips of the idempotent call's store")
        .tag("operation", operation)
        .tag("outcome", outcome)
        .tag("backend", backend)
        .register(registry);
  }
}
