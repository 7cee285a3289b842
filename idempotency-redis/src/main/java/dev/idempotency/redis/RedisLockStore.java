package dev.idempotency.redis;

import dev.idempotency.spi.LockStore;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

/** Locks as one hash per key: {@code o} owner, {@code n} hold count, {@code t} fencing token. */
final class RedisLockStore implements LockStore {
  /** How long a released lock keeps its last token, so that the next one is greater even within a microsecond. */
  static final Duration TOMBSTONE = Duration.ofSeconds(10);

  private final RedisExecutor redis;
  private final RedisKeys keys;

  RedisLockStore(RedisExecutor redis, RedisKeys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  private byte[] lockKey(String key) {
    return keys.bytes(RedisKeys.Type.LOCK, key);
  }

  @Override
  public String name() {
    return redis.name();
  }

  @Override
  public OptionalLong tryAcquire(String key, String owner, Duration lease) {
    Object reply = redis.run("acquire lock", Scripts.LOCK_ACQUIRE, lockKey(key),
        List.of(Bytes.utf8(owner), Bytes.millis(lease, "lease")));
    return reply == null ? OptionalLong.empty() : OptionalLong.of(Bytes.number(reply));
  }

  @Override
  public boolean release(String key, String owner) {
    Object reply = redis.run("release lock", Scripts.LOCK_RELEASE, lockKey(key),
        List.of(Bytes.utf8(owner), Bytes.millis(TOMBSTONE, "tombstone")));
    return Bytes.number(reply) == 1;
  }

  @Override
  public boolean extend(String key, String owner, Duration lease) {
    Object reply = redis.run("extend lock", Scripts.LOCK_EXTEND, lockKey(key),
        List.of(Bytes.utf8(owner), Bytes.millis(lease, "lease")));
    return Bytes.number(reply) == 1;
  }
}
