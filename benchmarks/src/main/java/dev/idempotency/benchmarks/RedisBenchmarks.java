package dev.idempotency.benchmarks;

import dev.idempotency.redis.RedisBackend;
import java.time.Duration;
import java.util.List;
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
 * prefix, expire within an hour, and are deleted at the end.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class RedisBenchmarks extends StrategyBenchmarks {
  private final String run = "bench" + UUID.randomUUID().toString().substring(0, 8);
  private final SetParams nxPx = SetParams.setParams().nx().px(3_600_000);
  private final SetParams px = SetParams.setParams().px(3_600_000);
  private final String stored = run + ":stored";
  private String compareAndDelete;
  private RedisClient raw;
  private RedisBackend redis;

  /** Connects. */
  @Setup(Level.Trial)
  public void setUp() {
    String uri = Servers.redisUri();
    raw = Servers.redis();
    raw.set(stored, "stored", px);
    compareAndDelete = raw.scriptLoad(
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0");
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
    Servers.deleteKeys(raw, run);
    raw.close();
  }

  /**
   * Baseline of a first call: {@code SET NX PX} of a fresh key (the claim), then {@code SET PX} of
   * the result (the completion).
   *
   * @return the reply
   */
  @Benchmark
  public String baselineCallFirst() {
    String key = run + ":raw:" + next();
    raw.set(key, "claimed", nxPx);
    return raw.set(key, "r", px);
  }

  /**
   * Baseline of a replay: {@code GET} of a stored value.
   *
   * @return the value
   */
  @Benchmark
  public String baselineCallReplay() {
    return raw.get(stored);
  }

  /**
   * Baseline of a lock: {@code SET NX PX} of an owner, then a compare-and-delete script.
   *
   * @return the reply of the delete
   */
  @Benchmark
  public Object baselineLockAcquireAndRelease() {
    String key = run + ":rawlock";
    raw.set(key, "owner", nxPx);
    return raw.evalsha(compareAndDelete, List.of(key), List.of("owner"));
  }

  /**
   * Baseline of a token: {@code SET PX} of a fresh key (issue), then {@code DEL} (consume).
   *
   * @return the number deleted
   */
  @Benchmark
  public long baselineTokenIssueAndConsume() {
    String key = run + ":rawtoken:" + next();
    raw.set(key, "1", px);
    return raw.del(key);
  }

  /**
   * Baseline of a dedup mark and of a transition: one bare {@code SET NX PX} of a fresh key.
   *
   * @return the reply
   */
  @Benchmark
  public String baselineSetNx() {
    return raw.set(run + ":raw:" + next(), "1", nxPx);
  }

  /**
   * Baseline of a reservation and its release: two {@code HINCRBY} on one hash.
   *
   * @return the count after the second
   */
  @Benchmark
  public long baselineStockReserveAndRelease() {
    raw.hincrBy(run + ":rawstock", "reserved", 1);
    return raw.hincrBy(run + ":rawstock", "reserved", -1);
  }

  /**
   * Baseline of a rate-limit decision: one {@code INCR} of a counter.
   *
   * @return the count
   */
  @Benchmark
  public long baselineRateLimitAcquire() {
    return raw.incr(run + ":rawrate");
  }
}
