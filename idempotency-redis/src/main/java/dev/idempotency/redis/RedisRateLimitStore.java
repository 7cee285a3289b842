package dev.idempotency.redis;

import dev.idempotency.spi.RateLimitStore;
import dev.idempotency.spi.StoreArguments;
import java.util.ArrayList;
import java.util.List;

/** GCRA arrival times as one hash per limited key, decided by one script on the server's clock. */
final class RedisRateLimitStore implements RateLimitStore {
  private final RedisExecutor redis;
  private final RedisKeys keys;

  RedisRateLimitStore(RedisExecutor redis, RedisKeys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  @Override
  public String name() {
    return redis.name();
  }

  @Override
  public long acquire(String key, List<Tier> tiers, long permits) {
    StoreArguments.rateLimit(key, tiers, permits);
    List<byte[]> args = new ArrayList<>(1 + 2 * tiers.size());
    args.add(Bytes.ascii(permits));
    for (Tier t : tiers) {
      args.add(Bytes.ascii(t.intervalMicros()));
      args.add(Bytes.ascii(t.capacityMicros()));
    }
    return Bytes.number(redis.run("rate-limit", StockScripts.RATE_LIMIT, keys.bytes(RedisKeys.Type.RATE, key), args));
  }
}
