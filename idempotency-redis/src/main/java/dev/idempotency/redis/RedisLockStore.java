package dev.idempotency.redis;

import dev.idempotency.spi.LockStore;
import dev.idempotency.spi.StepRunner;
import dev.idempotency.spi.StoreStep;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

/** Locks as one hash per key: {@code o} owner, {@code n} hold count, {@code t} fencing token. */
final class RedisLockStore implements LockStore {
  /** How long a released lock keeps its last token, so that the next one is greater even within a microsecond. */
  static final Duration TOMBSTONE = Duration.ofSeconds(10);

  private final RedisExecutor redis;
  private final RedisKeys keys;

  private final RedisSteps steps;

  RedisLockStore(RedisExecutor redis, RedisKeys keys, RedisSteps steps) {
    this.redis = redis;
    this.keys = keys;
    this.steps = steps;
  }

  private byte[] lockKey(String key) {
    return keys.bytes(RedisKeys.Type.LOCK, key);
  }

  @Override
  public String name() {
    return redis.name();
  }

  @Override
  public StepRunner stepRunner() {
    return steps;
  }

  @Override
  public OptionalLong tryAcquire(String key, String owner, Duration lease) {
    return acquire(lockKey(key), List.of(Bytes.utf8(owner), Bytes.millis(lease, "lease")));
  }

  /** {@inheritDoc} Among other steps, the same script's body in one script with theirs. */
  @Override
  public StoreStep<OptionalLong> tryAcquireStep(String key, String owner, Duration lease) {
    byte[] k = lockKey(key);
    List<byte[]> args = List.of(Bytes.utf8(owner), Bytes.millis(lease, "lease"));
    return new RedisStep<>(steps, "lock-acquire", Scripts.LOCK_ACQUIRE.source(), "r", k, args,
        () -> acquire(k, args), RedisLockStore::token, OptionalLong::isPresent);
  }

  private OptionalLong acquire(byte[] key, List<byte[]> args) {
    return token(redis.run("acquire lock", Scripts.LOCK_ACQUIRE, key, args));
  }

  private static OptionalLong token(Object reply) {
    return reply == null ? OptionalLong.empty() : OptionalLong.of(Bytes.number(reply));
  }

  @Override
  public boolean release(String key, String owner) {
    return released(redis.run("release lock", Scripts.LOCK_RELEASE, lockKey(key), releaseArgs(owner)));
  }

  /** {@inheritDoc} Among other steps, the same script's body in one script with theirs. */
  @Override
  public StoreStep<Boolean> releaseStep(String key, String owner) {
    byte[] k = lockKey(key);
    List<byte[]> args = releaseArgs(owner);
    return new RedisStep<>(steps, "lock-release", Scripts.LOCK_RELEASE.source(), "true", k, args,
        () -> released(redis.run("release lock", Scripts.LOCK_RELEASE, k, args)), RedisLockStore::released,
        r -> true);
  }

  private static List<byte[]> releaseArgs(String owner) {
    return List.of(Bytes.utf8(owner), Bytes.millis(TOMBSTONE, "tombstone"));
  }

  private static boolean released(Object reply) {
    return Bytes.number(reply) == 1;
  }

  @Override
  public boolean extend(String key, String owner, Duration lease) {
    Object reply = redis.run("extend lock", Scripts.LOCK_EXTEND, lockKey(key),
        List.of(Bytes.utf8(owner), Bytes.millis(lease, "lease")));
    return Bytes.number(reply) == 1;
  }
}
