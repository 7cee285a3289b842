package dev.idempotency.benchmarks;

import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.codec.Codecs;
import dev.idempotency.defence.DefenceOutcome;
import dev.idempotency.defence.LayeredDefence;
import dev.idempotency.lock.DistributedLocks;
import dev.idempotency.lock.LockOptions;
import dev.idempotency.ratelimit.RateLimiter;
import dev.idempotency.redis.RedisBackend;
import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.StepRunner;
import dev.idempotency.spi.StoreStep;
import dev.idempotency.spi.StoredRecord;
import java.util.Optional;
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
  private DistributedLocks defenceLocks;
  private LayeredDefence<String, String> defence;
  private LayeredDefence<String, String> defenceClaimAlone;

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
    defenceLocks = DistributedLocks.builder(redis.lockStore()).build();
    RateLimiter limit = RateLimiter.builder(redis.rateLimitStore(), "bench-defence")
        .limit(1_000_000, Duration.ofSeconds(1)).build();
    defence = defence(redis.idempotencyStore(), limit);
    defenceClaimAlone = defence(new ClaimAlone(redis.idempotencyStore()), limit);
  }

  /** The idempotent call first, then a rate limit and a lock per request: the order service's layers, fewer. */
  private LayeredDefence<String, String> defence(IdempotencyStore records, RateLimiter limit) {
    IdempotencyEngine engine = IdempotencyEngine.builder(records).build();
    return LayeredDefence.<String, String>builder("bench")
        .layer(engine.asLayer(k -> IdempotencyKey.of("bench-defence", k), k -> Fingerprint.none(), Codecs.string()))
        .layer(limit.asLayer(k -> RateLimiter.GLOBAL))
        .layer(defenceLocks.asLayer(k -> IdempotencyKey.of("bench-defence-lock", k), LockOptions.DEFAULTS))
        .build();
  }

  /** The same store without its claim step: the claim goes alone, as before it had one. */
  private static final class ClaimAlone implements IdempotencyStore {
    private final IdempotencyStore store;

    ClaimAlone(IdempotencyStore store) {
      this.store = store;
    }

    @Override
    public String name() {
      return store.name();
    }

    @Override
    public StepRunner stepRunner() {
      return store.stepRunner();
    }

    @Override
    public ClaimResult claim(String key, String fingerprint, Duration lease) {
      return store.claim(key, fingerprint, lease);
    }

    @Override
    public boolean complete(String key, long fencingToken, byte[] payload, Duration retention) {
      return store.complete(key, fencingToken, payload, retention);
    }

    @Override
    public StoreStep<Boolean> completeStep(String key, long fencingToken, byte[] payload, Duration retention) {
      return store.completeStep(key, fencingToken, payload, retention);
    }

    @Override
    public boolean release(String key, long fencingToken) {
      return store.release(key, fencingToken);
    }

    @Override
    public Optional<StoredRecord> find(String key) {
      return store.find(key);
    }

    @Override
    public int maxPayloadBytes() {
      return store.maxPayloadBytes();
    }
  }

  /**
   * A new request through the idempotent call, a rate limit and a lock: the claim goes with the
   * limit and the lock in one script, the lock's release with the completion (2 round trips).
   *
   * @return the outcome
   */
  @Benchmark
  public DefenceOutcome<String> layeredDefenceFirst() {
    return defence.execute(next(), k -> "r");
  }

  /**
   * As {@link #layeredDefenceFirst()} with the claim sent alone before the layers (3 round trips).
   *
   * @return the outcome
   */
  @Benchmark
  public DefenceOutcome<String> layeredDefenceFirstClaimAlone() {
    return defenceClaimAlone.execute(next(), k -> "r");
  }

  /** Closes the clients. */
  @TearDown(Level.Trial)
  public void tearDown() {
    closeStrategies();
    defenceLocks.close();
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
