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
    boolean[] marked = new boolean[1];
    map.compute(key, (live, now) -> {
      if (live != null) {
        return live;
      }
      marked[0] = true;
      return new ExpiringMap.Timed<>(Boolean.TRUE, map.deadline(now, ttl), MARK_OVERHEAD + 2 * key.length());
    });
    return marked[0];
  }

  @Override
  public boolean unmark(String key) {
    boolean[] removed = new boolean[1];
    map.compute(key, (live, now) -> {
      removed[0] = live != null;
      return null;
    });
    return removed[0];
  }
}
