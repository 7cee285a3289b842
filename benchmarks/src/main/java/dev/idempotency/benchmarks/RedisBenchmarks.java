package dev.idempotency.benchmarks;

import dev.idempotency.CallOptions;
import dev.idempotency.CallResult;
import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.Scope;
import dev.idempotency.codec.Codecs;
import dev.idempotency.dedup.DedupResult;
import dev.idempotency.dedup.Deduplicator;
import dev.idempotency.lock.DistributedLocks;
import dev.idempotency.lock.LockHandle;
import dev.idempotency.lock.LockOptions;
import dev.idempotency.redis.RedisBackend;
import dev.idempotency.state.StateMachine;
import dev.idempotency.state.TransitionResult;
import dev.idempotency.token.OneTimeTokens;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * Every strategy on Redis beside a bare {@code SET NX PX} of a fresh key on the same server and
 * client, in the same run: the ratio is the cost in round trips (a first call is claim + complete,
 * about 2; a replay is 1). Redis from {@code IDEMPOTENCY_REDIS_URI} or 127.0.0.1:6379. Keys carry
 * a per-run prefix and expire within an hour.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class RedisBenchmarks {
  /** States of the benchmark entity. */
  public enum Status {
    /** One. */
    A,
    /** Two. */
    B
  }

  private final AtomicLong sequence = new AtomicLong();
  private final String run = "bench" + UUID.randomUUID().toString().substring(0, 8);
  private RedisClient raw;
  private RedisBackend redis;
  private IdempotencyEngine engine;
  private OneTimeTokens tokens;
  private DistributedLocks locks;
  private Deduplicator dedup;
  private StateMachine<Status> machine;
  private final IdempotencyKey replayKey = IdempotencyKey.of("bench", "replayed");
  private final Scope scope = Scope.of("checkout", "user-1");
  private final SetParams nxPx = SetParams.setParams().nx().px(3_600_000);

  /** Connects and stores a record to replay. */
  @Setup(Level.Trial)
  public void setUp() {
    String uri = System.getenv().getOrDefault("IDEMPOTENCY_REDIS_URI", "redis://127.0.0.1:6379");
    raw = RedisClient.create(java.net.URI.create(uri));
    redis = RedisBackend.builder().uri(uri).keyPrefix(run).stateTtl(Duration.ofHours(1)).build();
    engine = IdempotencyEngine.builder(redis.idempotencyStore())
        .defaults(CallOptions.builder().retention(Duration.ofHours(1)).build()).build();
    tokens = OneTimeTokens.builder(redis.tokenStore()).build();
    locks = DistributedLocks.builder(redis.lockStore()).build();
    dedup = Deduplicator.builder(redis.dedupStore()).retention(Duration.ofHours(1)).build();
    machine = StateMachine.builder(Status.class, redis.stateStore("bench"), "bench")
        .allow(Status.A, Status.B).allow(Status.B, Status.A).build();
    machine.create("entity", Status.A);
    engine.execute(replayKey, Fingerprint.none(), Codecs.string(), c -> "stored");
  }

  /** Closes the clients. */
  @TearDown(Level.Trial)
  public void tearDown() {
    locks.close();
    redis.close();
    raw.close();
  }

  private String next() {
    return "k-" + sequence.incrementAndGet();
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

  /**
   * A first call: claim + complete.
   *
   * @return the result
   */
  @Benchmark
  public CallResult<String> idempotentCallFirst() {
    return engine.execute(IdempotencyKey.of("bench", next()), Fingerprint.none(), Codecs.string(), c -> "r");
  }

  /**
   * A replay: one claim that answers with the stored record.
   *
   * @return the result
   */
  @Benchmark
  public CallResult<String> idempotentCallReplay() {
    return engine.execute(replayKey, Fingerprint.none(), Codecs.string(), c -> "never");
  }

  /**
   * Issue + consume a token.
   *
   * @return whether consumed
   */
  @Benchmark
  public boolean tokenIssueAndConsume() {
    return tokens.consume(scope, tokens.issue(scope));
  }

  /**
   * Acquire + release an uncontended lock.
   *
   * @return the fencing token
   */
  @Benchmark
  public long lockAcquireAndRelease() {
    try (LockHandle h = locks.tryLock(IdempotencyKey.of("bench", "lock"), LockOptions.DEFAULTS).orElseThrow()) {
      return h.fencingToken();
    }
  }

  /**
   * Mark a fresh key.
   *
   * @return FIRST
   */
  @Benchmark
  public DedupResult dedupMarkFirst() {
    return dedup.markFirst("bench", next());
  }

  /**
   * One conditional transition.
   *
   * @return the outcome
   */
  @Benchmark
  public TransitionResult<Status> stateTransition() {
    return machine.transition("entity", (sequence.incrementAndGet() & 1) == 0 ? Status.A : Status.B);
  }
}
