package dev.idempotency.memory;

import dev.idempotency.spi.LockStore;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

/** In-memory {@link LockStore}: owner, hold count and fencing token in one atomically updated entry. */
final class InMemoryLockStore implements LockStore {
  private record Held(String owner, int holds, long fencingToken) {}

  private final ExpiringMap<Held> map;
  private final AtomicLong fencing;

  long liveCount() {
    return map.liveCount();
  }

  InMemoryLockStore(ExpiringMap<Held> map, AtomicLong fencing) {
    this.map = map;
    this.fencing = fencing;
  }

  @Override
  public String name() {
    return InMemoryBackend.NAME;
  }

  @Override
  public OptionalLong tryAcquire(String key, String owner, Duration lease) {
    long[] token = {-1};
    map.compute(key, (live, now) -> {
      if (live == null) {
        token[0] = fencing.incrementAndGet();
        return new ExpiringMap.Timed<>(new Held(owner, 1, token[0]), map.deadline(now, lease), 0);
      }
      Held h = live.value();
      if (!h.owner().equals(owner)) {
        return live;
      }
      token[0] = h.fencingToken();
      return new ExpiringMap.Timed<>(new Held(owner, h.holds() + 1, h.fencingToken()),
          map.deadline(now, lease), 0);
    });
    return token[0] < 0 ? OptionalLong.empty() : OptionalLong.of(token[0]);
  }

  @Override
  public boolean release(String key, String owner) {
    boolean[] released = new boolean[1];
    map.compute(key, (live, now) -> {
      if (live == null || !live.value().owner().equals(owner)) {
        return live;
      }
      released[0] = true;
      Held h = live.value();
      return h.holds() <= 1 ? null
          : new ExpiringMap.Timed<>(new Held(owner, h.holds() - 1, h.fencingToken()), live.deadline(), 0);
    });
    return released[0];
  }

  @Override
  public boolean extend(String key, String owner, Duration lease) {
    boolean[] extended = new boolean[1];
    map.compute(key, (live, now) -> {
      if (live == null || !live.value().owner().equals(owner)) {
        return live;
      }
      extended[0] = true;
      return new ExpiringMap.Timed<>(live.value(), map.deadline(now, lease), 0);
    });
    return extended[0];
  }
}
