package dev.idempotency.memory;

import dev.idempotency.spi.TokenStore;
import java.time.Duration;

/** In-memory {@link TokenStore}. */
final class InMemoryTokenStore implements TokenStore {
  private static final int TOKEN_OVERHEAD = 64;

  private final ExpiringMap<Boolean> map;

  InMemoryTokenStore(ExpiringMap<Boolean> map) {
    this.map = map;
  }

  @Override
  public String name() {
    return "in-memory";
  }

  @Override
  public boolean put(String key, Duration ttl) {
    boolean[] stored = new boolean[1];
    map.compute(key, (live, now) -> {
      if (live != null) {
        return live;
      }
      stored[0] = true;
      return new ExpiringMap.Timed<>(Boolean.TRUE, map.deadline(now, ttl), TOKEN_OVERHEAD + 2 * key.length());
    });
    return stored[0];
  }

  @Override
  public boolean consume(String key) {
    boolean[] consumed = new boolean[1];
    map.compute(key, (live, now) -> {
      consumed[0] = live != null;
      return null;
    });
    return consumed[0];
  }
}
