package dev.idempotency.benchmarks;

import dev.idempotency.redis.RedisBackend;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * Every strategy on Redis beside a bare {@code SET NX PX} of a fresh key on the same server, in the
 * same run: the ratio is the cost in round trips (a first call is claim + complete, about 2; a
 * replay is 1). Redis from {@code IDEMPOTENCY_REDIS_URI} or 127.0.0.1:6379. Keys carry a per-run
 * prefix and expire within an hour.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class RedisBenchmarks extends StrategyBenchmarks {
  private final String run = "bench" + UUID.randomUUID().toString().substring(0, 8);
  private final SetParams nxPx = SetParams.setParams().nx().px(3_600_000);
  private RedisClient raw;
  private RedisBackend redis;

  /** Connects. */
  @Setup(Level.Trial)
  public void setUp() {
    String uri = System.getenv().getOrDefault("IDEMPOTENCY_REDIS_URI", "redis://127.0.0.1:6379");
    raw = RedisClient.create(java.net.URI.create(uri));
    redis = RedisBackend.builder().uri(uri).keyPrefix(run).stateTtl(Duration.ofHours(1)).build();
    useStores(redis.idempotencyStore(), redis.tokenStore(), redis.lockStore(), redis.dedupStore(),
        redis.stateStore("bench"),
        redis.stockStore(), redis.rateLimitStore());
  }

  /** Closes the clients. */
  @TearDown(Level.Trial)
  public void tearDown() {
    closeStrategies();
    redis.close();
    raw.close();
  }

  /**
   * Baseline: one bare SET NX PX of a fresh key.
   *
   * @return the reply
   */
  @Benchmark
  public String baselineSetNx() {
    return raw.set(run + ":raw:" + next(), "1", nxPx);
  }
}
