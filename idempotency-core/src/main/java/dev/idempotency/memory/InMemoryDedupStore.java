package dev.idempotency.memory;

import dev.idempotency.spi.DedupStore;
import java.time.Duration;

/** In-memory {@link DedupStore}. */
final class InMemoryDedupStore implements DedupStore {
  private static final int MARK_OVERHEAD = 64;

  private final ExpiringMap<Boolean> map;

  InMemoryDedupStore(ExpiringMap<Boolean> map) {
    this.map = map;
  }

  @Override
  public String name() {
    return "in-memory";
  }

  @Override
  public boolean markFirst(String key, Duration retention) {
    boolean[] first = new boolean[1];
    map.compute(key, (live, now) -> {
      if (live != null) {
        return live;
      }
      first[0] = true;
      return new ExpiringMap.Timed<>(Boolean.TRUE, map.deadline(now, retention), MARK_OVERHEAD + 2 * key.length());
    });
    return first[0];
  }

  @Override
  public boolean remove(String key) {
    boolean[] removed = new boolean[1];
    map.compute(key, (live, now) -> {
      removed[0] = live != null;
      return null;
    });
    return removed[0];
  }
}
