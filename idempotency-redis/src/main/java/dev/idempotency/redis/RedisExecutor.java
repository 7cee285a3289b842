package dev.idempotency.redis;

import dev.idempotency.StoreUnavailableException;
import java.util.List;
import java.util.function.Function;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Where every store's Redis calls run: the client, the name messages use, and the one place where
 * driver failures become {@link StoreUnavailableException}. Thread-safe, as the client is.
 */
final class RedisExecutor {
  private final UnifiedJedis jedis;
  private final String name;

  RedisExecutor(UnifiedJedis jedis, String name) {
    this.jedis = jedis;
    this.name = name;
  }

  String name() {
    return name;
  }

  UnifiedJedis jedis() {
    return jedis;
  }

  /** Runs one call on the client, translating the driver's failures. */
  <R> R call(String operation, Function<UnifiedJedis, R> call) {
    try {
      return call.apply(jedis);
    } catch (JedisException e) {
      throw new StoreUnavailableException(name, operation, e);
    }
  }

  /** Runs a script on one key in one round trip. */
  Object run(String operation, RedisScript script, byte[] key, List<byte[]> args) {
    return call(operation, j -> script.run(j, List.of(key), args));
  }
}
