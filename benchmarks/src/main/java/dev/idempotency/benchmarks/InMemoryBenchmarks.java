package dev.idempotency.benchmarks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
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
import dev.idempotency.memory.InMemoryBackend;
import dev.idempotency.state.StateMachine;
import dev.idempotency.state.TransitionResult;
import dev.idempotency.token.OneTimeTokens;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
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

/**
 * Every strategy on the in-memory backend beside its raw baselines in the same run: a bare
 * {@code ConcurrentHashMap.putIfAbsent} and a bare Caffeine {@code compute}, the cheapest atomic
 * step an in-process store could make. {@link Report} prints each as a ratio of the baselines.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class InMemoryBenchmarks {
  /** The states a benchmark order moves through. */
  public enum Status {
    /** Before. */
    A,
    /** After. */
    B
  }

  private final AtomicLong sequence = new AtomicLong();
  private ConcurrentHashMap<String, Boolean> map;
  private Cache<String, Boolean> caffeine;
  private IdempotencyEngine engine;
  private OneTimeTokens tokens;
  private DistributedLocks locks;
  private Deduplicator dedup;
  private StateMachine<Status> machine;
  private IdempotencyKey replayKey;
  private final Fingerprint fingerprint = Fingerprint.sha256("{\"item\":\"book\"}");
  private final Scope scope = Scope.of("checkout", "user-1");
  private final IdempotencyKey lockKey = IdempotencyKey.of("bench", "lock");

  /** Creates the backend and warms a replayable record. */
  @Setup(Level.Trial)
  public void setUp() {
    InMemoryBackend backend = InMemoryBackend.create();
    map = new ConcurrentHashMap<>();
    caffeine = Caffeine.newBuilder().maximumSize(10_000_000).build();
    engine = IdempotencyEngine.builder(backend.idempotencyStore())
        .defaults(CallOptions.builder().retention(Duration.ofHours(1)).build()).build();
    tokens = OneTimeTokens.builder(backend.tokenStore()).build();
    locks = DistributedLocks.builder(backend.lockStore()).build();
    dedup = Deduplicator.builder(backend.dedupStore()).build();
    machine = StateMachine.builder(Status.class, backend.stateStore("bench"), "bench")
        .allow(Status.A, Status.B).allow(Status.B, Status.A).build();
    machine.create("entity", Status.A);
    replayKey = IdempotencyKey.of("bench", "replayed");
    engine.execute(replayKey, fingerprint, Codecs.string(), c -> "stored result");
  }

  /** Closes the lock service. */
  @TearDown(Level.Trial)
  public void tearDown() {
    locks.close();
  }

  private String next() {
    return "k-" + sequence.incrementAndGet();
  }

  /**
   * Baseline: a bare putIfAbsent of a fresh key.
   *
   * @return whether it was absent
   */
  @Benchmark
  public boolean baselinePutIfAbsent() {
    return map.putIfAbsent(next(), Boolean.TRUE) == null;
  }

  /**
   * Baseline: a bare Caffeine compute of a fresh key.
   *
   * @return the value
   */
  @Benchmark
  public Boolean baselineCaffeineCompute() {
    return caffeine.asMap().compute(next(), (k, v) -> v == null ? Boolean.TRUE : v);
  }

  /**
   * A first call: claim, run, complete (two store steps).
   *
   * @return the result
   */
  @Benchmark
  public CallResult<String> idempotentCallFirst() {
    return engine.execute(IdempotencyKey.of("bench", next()), fingerprint, Codecs.string(), c -> "result");
  }

  /**
   * A duplicate: one claim step answering with the stored record, decoded.
   *
   * @return the replayed result
   */
  @Benchmark
  public CallResult<String> idempotentCallReplay() {
    return engine.execute(replayKey, fingerprint, Codecs.string(), c -> "never");
  }

  /**
   * Issue and consume a one-time token.
   *
   * @return whether it was consumed
   */
  @Benchmark
  public boolean tokenIssueAndConsume() {
    return tokens.consume(scope, tokens.issue(scope));
  }

  /**
   * Acquire and release an uncontended lock.
   *
   * @return the fencing token
   */
  @Benchmark
  public long lockAcquireAndRelease() {
    try (LockHandle h = locks.tryLock(lockKey, LockOptions.DEFAULTS).orElseThrow()) {
      return h.fencingToken();
    }
  }

  /**
   * Mark a fresh key in the dedup table.
   *
   * @return FIRST
   */
  @Benchmark
  public DedupResult dedupMarkFirst() {
    return dedup.markFirst("bench", next());
  }

  /**
   * One conditional state transition (back and forth between two states).
   *
   * @return the outcome
   */
  @Benchmark
  public TransitionResult<Status> stateTransition() {
    return machine.transition("entity", (sequence.incrementAndGet() & 1) == 0 ? Status.A : Status.B);
  }
}
