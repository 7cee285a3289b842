package dev.idempotency.redis;

import dev.idempotency.spi.RateLimitStore;
import dev.idempotency.spi.StoreArguments;
import dev.idempotency.spi.StepRunner;
import dev.idempotency.spi.StoreStep;
import java.util.ArrayList;
import java.util.List;

/** GCRA arrival times as one hash per limited key, decided by one script on the server's clock. */
final class RedisRateLimitStore implements RateLimitStore {
  private final RedisExecutor redis;
  private final RedisKeys keys;

  private final RedisSteps steps;

  RedisRateLimitStore(RedisExecutor redis, RedisKeys keys, RedisSteps steps) {
    this.redis = redis;
    this.keys = keys;
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
  public long acquire(String key, List<Tier> tiers, long permits) {
    StoreArguments.rateLimit(key, tiers, permits);
    return run(keys.bytes(RedisKeys.Type.RATE, key), args(tiers, permits));
  }

  /** {@inheritDoc} Among other steps, the same script's body in one script with theirs. */
  @Override
  public StoreStep<Long> acquireStep(String key, List<Tier> tiers, long permits) {
    StoreArguments.rateLimit(key, tiers, permits);
    byte[] k = keys.bytes(RedisKeys.Type.RATE, key);
    List<byte[]> args = args(tiers, permits);
    return new RedisStep<>(steps, "rate-limit", StockScripts.RATE_LIMIT.source(), "r == 0", k, args,
        () -> run(k, args), Bytes::number, wait -> wait <= 0);
  }

  private long run(byte[] key, List<byte[]> args) {
    return Bytes.number(redis.run("rate-limit", StockScripts.RATE_LIMIT, key, args));
  }

  private static List<byte[]> args(List<Tier> tiers, long permits) {
    List<byte[]> args = new ArrayList<>(1 + 2 * tiers.size());
    args.add(Bytes.ascii(permits));
    for (Tier t : tiers) {
      args.add(Bytes.ascii(t.intervalMicros()));
      args.add(Bytes.ascii(t.capacityMicros()));
    }
    return args;
  }
}
