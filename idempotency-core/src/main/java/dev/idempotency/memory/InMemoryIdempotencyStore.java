package dev.idempotency.memory;

import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.StoredRecord;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** In-memory {@link IdempotencyStore}: each operation is one atomic compute. */
final class InMemoryIdempotencyStore implements IdempotencyStore {
  private static final int RECORD_OVERHEAD = 96;

  private final ExpiringMap<StoredRecord> map;
  private final AtomicLong fencing;

  long liveCount() {
    return map.liveCount();
  }

  InMemoryIdempotencyStore(ExpiringMap<StoredRecord> map, AtomicLong fencing) {
    this.map = map;
    this.fencing = fencing;
  }

  @Override
  public String name() {
    return InMemoryBackend.NAME;
  }

  @Override
  public ClaimResult claim(String key, String fingerprint, Duration lease) {
    return map.compute(key, (live, now) -> {
      if (live != null) {
        return new ExpiringMap.Decision<>(live, new ClaimResult.Existing(live.value()));
      }
      long token = fencing.incrementAndGet();
      // Weight 0: a live claim is never evicted for size, only by its lease.
      return new ExpiringMap.Decision<>(new ExpiringMap.Timed<>(StoredRecord.inProgress(fingerprint, token),
          map.deadline(now, lease), 0), new ClaimResult.Acquired(token));
    });
  }

  @Override
  public boolean complete(String key, long fencingToken, byte[] payload, Duration retention) {
    return map.compute(key, (live, now) -> {
      if (!ownedBy(live, fencingToken)) {
        // Already completed under this token: a repeated completion confirms it.
        return new ExpiringMap.Decision<>(live, live != null
            && live.value().status() == StoredRecord.Status.COMPLETED && live.value().fencingToken() == fencingToken);
      }
      StoredRecord completed = StoredRecord.completed(live.value().fingerprint(), fencingToken, payload);
      int weight = RECORD_OVERHEAD + 2 * key.length() + completed.fingerprint().length() + payload.length;
      return new ExpiringMap.Decision<>(new ExpiringMap.Timed<>(completed, map.deadline(now, retention), weight), true);
    });
  }

  @Override
  public boolean release(String key, long fencingToken) {
    return map.compute(key, (live, now) -> ownedBy(live, fencingToken)
        ? new ExpiringMap.Decision<>(null, true) : new ExpiringMap.Decision<>(live, false));
  }

  @Override
  public Optional<StoredRecord> find(String key) {
    return Optional.ofNullable(map.get(key));
  }

  private static boolean ownedBy(ExpiringMap.Timed<StoredRecord> live, long token) {
    return live != null && live.value().status() == StoredRecord.Status.IN_PROGRESS
        && live.value().fencingToken() == token;
  }
}
