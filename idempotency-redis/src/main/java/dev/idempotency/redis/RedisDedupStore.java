package dev.idempotency.redis;

import dev.idempotency.internal.Require;
import dev.idempotency.spi.DedupStore;
import java.time.Duration;
import redis.clients.jedis.params.SetParams;

/** Dedup marks as plain keys: {@code SET NX PX} answers first or duplicate in one step. */
final class RedisDedupStore implements DedupStore {
  private static final byte[] ONE = Bytes.utf8("1");

  private final RedisBackend redis;

  RedisDedupStore(RedisBackend redis) {
    this.redis = redis;
  }

  @Override
  public String name() {
    return redis.name();
  }

  @Override
  public boolean markFirst(String key, Duration retention) {
    return redis.call("mark", () -> redis.jedis().set(redis.keys().bytes("dedup", key), ONE,
        SetParams.setParams().nx().px(Require.storedMillis(retention, "retention")))) != null;
  }

  @Override
  public boolean remove(String key) {
    return redis.call("forget", () -> redis.jedis().del(redis.keys().bytes("dedup", key))) == 1;
  }
}
