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
    return map.compute(key, (live, now) -> {
      if (live == null) {
        long token = fencing.incrementAndGet();
        return new ExpiringMap.Decision<>(new ExpiringMap.Timed<>(new Held(owner, 1, token),
            map.deadline(now, lease), 0), OptionalLong.of(token));
      }
      Held h = live.value();
      if (!h.owner().equals(owner)) {
        return new ExpiringMap.Decision<>(live, OptionalLong.empty());
      }
      return new ExpiringMap.Decision<>(new ExpiringMap.Timed<>(new Held(owner, h.holds() + 1, h.fencingToken()),
          map.deadline(now, lease), 0), OptionalLong.of(h.fencingToken()));
    });
  }

  @Override
  public boolean release(String key, String owner) {
    return map.compute(key, (live, now) -> {
      if (live == null || !live.value().owner().equals(owner)) {
        return new ExpiringMap.Decision<>(live, false);
      }
      Held h = live.value();
      return new ExpiringMap.Decision<>(h.holds() <= 1 ? null
          : new ExpiringMap.Timed<>(new Held(owner, h.holds() - 1, h.fencingToken()), live.deadline(), 0), true);
    });
  }

  @Override
  public boolean extend(String key, String owner, Duration lease) {
    return map.compute(key, (live, now) -> live == null || !live.value().owner().equals(owner)
        ? new ExpiringMap.Decision<>(live, false)
        : new ExpiringMap.Decision<>(new ExpiringMap.Timed<>(live.value(), map.deadline(now, lease), 0), true));
  }
}
