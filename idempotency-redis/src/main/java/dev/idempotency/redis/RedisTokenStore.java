package dev.idempotency.redis;

import dev.idempotency.internal.Require;
import dev.idempotency.spi.TokenStore;
import java.time.Duration;
import redis.clients.jedis.params.SetParams;

/** One-time tokens as plain keys: issue is {@code SET NX PX}, consume is {@code DEL} (1 if it was live). */
final class RedisTokenStore implements TokenStore {
  private static final byte[] ONE = Bytes.utf8("1");

  private final RedisBackend redis;

  RedisTokenStore(RedisBackend redis) {
    this.redis = redis;
  }

  @Override
  public String name() {
    return redis.name();
  }

  @Override
  public boolean put(String key, Duration ttl) {
    return redis.call("issue token", () -> redis.jedis().set(redis.keys().bytes("tok", key), ONE,
        SetParams.setParams().nx().px(Require.storedMillis(ttl, "ttl")))) != null;
  }

  @Override
  public boolean consume(String key) {
    return redis.call("consume token", () -> redis.jedis().del(redis.keys().bytes("tok", key))) == 1;
  }
}
