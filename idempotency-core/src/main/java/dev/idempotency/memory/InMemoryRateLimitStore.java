package dev.idempotency.memory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.idempotency.TimeSource;
import dev.idempotency.spi.RateLimitStore;
import dev.idempotency.spi.StoreArguments;
import dev.idempotency.spi.support.Gcra;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * GCRA state per key in an atomic reference, updated by compare-and-set: lock-free. A key's entry
 * is dropped once it has been idle for its longest capacity plus a second, when its state is
 * equivalent to a fresh one anyway.
 */
final class InMemoryRateLimitStore implements RateLimitStore {
  private static final long MARGIN_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final TimeSource time;
  private final Cache<String, State> states;

  long liveCount() {
    return states.asMap().size();
  }

  /** One key's arrival times and how long they matter. */
  private static final class State {
    final AtomicReference<long[]> tats = new AtomicReference<>();
    final long ttlNanos;

    State(long ttlNanos) {
      this.ttlNanos = ttlNanos;
    }
  }

  InMemoryRateLimitStore(TimeSource time, long maximumKeys) {
    this.time = time;
    this.states = Caffeine.newBuilder()
        .ticker(time::nanoTime)
        .executor(Runnable::run)
        .maximumSize(maximumKeys)
        .expireAfter(new Expiry<String, State>() {
          @Override
          public long expireAfterCreate(String key, State value, long currentTime) {
            return value.ttlNanos;
          }

          @Override
          public long expireAfterUpdate(String key, State value, long currentTime, long currentDuration) {
            return value.ttlNanos;
          }

          @Override
          public long expireAfterRead(String key, State value, long currentTime, long currentDuration) {
            return value.ttlNanos;
          }
        })
        .build();
  }

  @Override
  public String name() {
    return InMemoryBackend.NAME;
  }

  @Override
  public long acquire(String key, List<Tier> tiers, long permits) {
    StoreArguments.rateLimit(key, tiers, permits);
    State state = states.get(key, k -> new State(ttlNanos(tiers)));
    while (true) {
      long now = time.nanoTime() / 1_000L;
      long[] current = state.tats.get();
      long[] next = Gcra.next(current, now, tiers, permits);
      if (next == null) {
        return Gcra.wait(current, now, tiers, permits);
      }
      if (state.tats.compareAndSet(current, next)) {
        return 0;
      }
    }
  }

  private static long ttlNanos(List<Tier> tiers) {
    long max = 0;
    for (Tier t : tiers) {
      max = Math.max(max, t.capacityMicros());
    }
    return max * 1_000L + MARGIN_NANOS;
  }
}
