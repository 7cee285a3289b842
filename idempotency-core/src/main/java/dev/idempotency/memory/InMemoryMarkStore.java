package dev.idempotency.memory;

import dev.idempotency.spi.MarkStore;
import java.time.Duration;

/** In-memory {@link MarkStore}: one atomic {@code compute} per operation. */
final class InMemoryMarkStore implements MarkStore {
  private static final int MARK_OVERHEAD = 64;

  private final ExpiringMap<Boolean> map;

  long liveCount() {
    return map.liveCount();
  }

  InMemoryMarkStore(ExpiringMap<Boolean> map) {
    this.map = map;
  }

  @Override
  public String name() {
    return InMemoryBackend.NAME;
  }

  @Override
  public boolean mark(String key, Duration ttl) {
    return map.compute(key, (live, now) -> live != null ? new ExpiringMap.Decision<>(live, false)
        : new ExpiringMap.Decision<>(new ExpiringMap.Timed<>(Boolean.TRUE, map.deadline(now, ttl),
            MARK_OVERHEAD + 2 * key.length()), true));
  }

  @Override
  public boolean unmark(String key) {
    return map.compute(key, (live, now) -> new ExpiringMap.Decision<>(null, live != null));
  }
}
