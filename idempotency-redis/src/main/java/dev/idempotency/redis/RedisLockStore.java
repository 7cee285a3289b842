package dev.idempotency.redis;

import dev.idempotency.spi.LockStore;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

/** Locks as one hash per key: {@code o} owner, {@code n} hold count, {@code t} fencing token. */
final class RedisLockStore implements LockStore {
  private final RedisBackend redis;

  RedisLockStore(RedisBackend redis) {
    this.redis = redis;
  }

  @Override
  public String name() {
    return redis.name();
  }

  @Override
  public OptionalLong tryAcquire(String key, String owner, Duration lease) {
    Object reply = redis.call("acquire lock", () -> Scripts.LOCK_ACQUIRE.run(redis.jedis(),
        List.of(redis.keys().bytes("lock", key)), List.of(Bytes.utf8(owner), Bytes.millis(lease, "lease"))));
    return reply == null ? OptionalLong.empty() : OptionalLong.of(Bytes.number(reply));
  }

  @Override
  public boolean release(String key, String owner) {
    Object reply = redis.call("release lock", () -> Scripts.LOCK_RELEASE.run(redis.jedis(),
        List.of(redis.keys().bytes("lock", key)), List.of(Bytes.utf8(owner), Bytes.millis(RedisBackend.LOCK_TOMBSTONE, "tombstone"))));
    return Bytes.number(reply) == 1;
  }

  @Override
  public boolean extend(String key, String owner, Duration lease) {
    Object reply = redis.call("extend lock", () -> Scripts.LOCK_EXTEND.run(redis.jedis(),
        List.of(redis.keys().bytes("lock", key)), List.of(Bytes.utf8(owner), Bytes.millis(lease, "lease"))));
    return Bytes.number(reply) == 1;
  }
}
