package dev.idempotency.redis;

import dev.idempotency.internal.Require;
import dev.idempotency.spi.MarkStore;
import java.time.Duration;
import redis.clients.jedis.params.SetParams;

/** Marks (tokens, dedup) as plain keys: {@code SET NX PX} to mark, {@code DEL} to unmark. */
final class RedisMarkStore implements MarkStore {
  private static final byte[] ONE = Bytes.utf8("1");

  private final RedisExecutor redis;
  private final RedisKeys keys;
  private final RedisKeys.Type type;

  RedisMarkStore(RedisExecutor redis, RedisKeys keys, RedisKeys.Type type) {
    this.redis = redis;
    this.keys = keys;
    this.type = type;
  }

  @Override
  public String name() {
    return redis.name();
  }

  @Override
  public boolean mark(String key, Duration ttl) {
    SetParams params = SetParams.setParams().nx().px(Require.storedMillis(ttl, "ttl"));
    return redis.call("mark", j -> j.set(keys.bytes(type, key), ONE, params)) != null;
  }

  @Override
  public boolean unmark(String key) {
    return redis.call("unmark", j -> j.del(keys.bytes(type, key))) == 1;
  }
}
