package dev.idempotency.redis;

import dev.idempotency.spi.MarkStore;
import dev.idempotency.spi.StepRunner;
import dev.idempotency.spi.StoreStep;
import dev.idempotency.spi.support.Require;
import java.time.Duration;
import java.util.List;
import redis.clients.jedis.params.SetParams;

/** Marks (tokens, dedup) as plain keys: {@code SET NX PX} to mark, {@code DEL} to unmark. */
final class RedisMarkStore implements MarkStore {
  private static final byte[] ONE = Bytes.utf8("1");

  private final RedisExecutor redis;
  private final RedisKeys keys;
  private final RedisKeys.Type type;

  private final RedisSteps steps;

  RedisMarkStore(RedisExecutor redis, RedisKeys keys, RedisKeys.Type type, RedisSteps steps) {
    this.redis = redis;
    this.keys = keys;
    this.type = type;
    this.steps = steps;
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
  public boolean mark(String key, Duration ttl) {
    SetParams params = SetParams.setParams().nx().px(Require.storedMillis(ttl, "ttl"));
    byte[] k = keys.bytes(type, key);
    try {
      return redis.write("mark", j -> j.set(k, ONE, params), p -> p.set(k, ONE, params)) != null;
    } catch (RedisExecutor.NotReplicatedException e) {
      if (e.reply() != null) {
        undo(k); // marked on the primary alone: a caller told it failed retries, and must find it unmarked
      }
      throw e;
    }
  }

  private void undo(byte[] k) {
    try {
      redis.call("unmark", j -> j.del(k));
    } catch (RuntimeException e) {
      // the mark stays until its TTL, as when a reply is lost
    }
  }

  @Override
  public boolean unmark(String key) {
    return unmark(keys.bytes(type, key));
  }

  /** {@inheritDoc} Alone a {@code DEL}; among other steps, the same {@code DEL} in one script with theirs. */
  @Override
  public StoreStep<Boolean> unmarkStep(String key) {
    byte[] k = keys.bytes(type, key);
    return new RedisStep<>(steps, "unmark", "return redis.call('DEL', KEYS[1])", "r == 1", k, List.of(),
        () -> unmark(k), r -> Bytes.number(r) == 1, removed -> removed);
  }

  private boolean unmark(byte[] k) {
    return redis.write("unmark", j -> j.del(k), p -> p.del(k)) == 1;
  }
}
