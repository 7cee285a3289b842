package dev.idempotency.benchmarks;

import dev.idempotency.CallOptions;
import dev.idempotency.CallResult;
import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.Scope;
import dev.idempotency.cache.NearCache;
import dev.idempotency.codec.Codecs;
import dev.idempotency.dedup.DedupResult;
import dev.idempotency.dedup.Deduplicator;
import dev.idempotency.lock.DistributedLocks;
import dev.idempotency.lock.LockHandle;
import dev.idempotency.lock.LockOptions;
import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.LockStore;
import dev.idempotency.spi.MarkStore;
import dev.idempotency.spi.RateLimitStore;
import dev.idempotency.spi.StateStore;
import dev.idempotency.spi.StockStore;
import dev.idempotency.state.StateMachine;
import dev.idempotency.ratelimit.RateLimitDecision;
import dev.idempotency.ratelimit.RateLimiter;
import dev.idempotency.state.TransitionResult;
import dev.idempotency.stock.ReleaseOutcome;
import dev.idempotency.stock.StockReservations;
import dev.idempotency.token.OneTimeTokens;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;

/**
 * The strategy benchmarks every backend runs, beside the raw baselines ({@code baseline*} methods)
 * its subclass adds; {@link Report} prints each as a ratio of them. A subclass creates its stores in
 * a {@code @Setup} method and hands them to {@link #useStores}.
 */
public abstract class StrategyBenchmarks {
  /** States of the benchmark entity. */
  public enum Status {
    /** One. */
    A,
    /** Two. */
    B
  }

  private final AtomicLong sequence = new AtomicLong();
  private final IdempotencyKey replayKey = IdempotencyKey.of("bench", "replayed");
  private final IdempotencyKey lockKey = IdempotencyKey.of("bench", "lock");
  private final Scope scope = Scope.of("checkout", "user-1");
  private IdempotencyEngine engine;
  private IdempotencyStore replayStore;
  private OneTimeTokens tokens;
  private DistributedLocks locks;
  private Deduplicator dedup;
  private StateMachine<Status> machine;
  private StockReservations stock;
  private RateLimiter limiter;
  private IdempotencyEngine nearCached;

  /**
   * Builds the strategies on a backend's stores and stores one record to replay.
   *
   * @param records the idempotency-record store
   * @param tokenStore the token store
   * @param lockStore the lock store
   * @param dedupStore the dedup store
   * @param states the state store
   * @param stockStore the stock store
   * @param rates the rate-limit store
   */
  protected void useStores(IdempotencyStore records, MarkStore tokenStore, LockStore lockStore,
      MarkStore dedupStore, StateStore states, StockStore stockStore, RateLimitStore rates) {
    replayStore = records;
    engine = IdempotencyEngine.builder(records)
        .defaults(CallOptions.builder().retention(Duration.ofHours(1)).build()).build();
    tokens = OneTimeTokens.builder(tokenStore).build();
    locks = DistributedLocks.builder(lockStore).build();
    dedup = Deduplicator.builder(dedupStore).retention(Duration.ofHours(1)).build();
    machine = StateMachine.builder(Status.class, states, "bench").allow(Status.A, Status.B).allow(Status.B, Status.A).build();
    machine.create("entity", Status.A);
    engine.execute(replayKey, Fingerprint.none(), Codecs.string(), c -> "stored");
    stock = StockReservations.of(stockStore);
    stock.repair("bench-sku", StockReservations.MAX_UNITS / 2);
    limiter = RateLimiter.builder(rates, "bench").limit(1_000_000, Duration.ofSeconds(1)).build();
    nearCached = IdempotencyEngine.builder(NearCache.builder(records).build()).build();
  }

  /** Closes the lock service. */
  protected void closeStrategies() {
    locks.close();
  }

  /**
   * A fresh key for this run.
   *
   * @return the key
   */
  protected String next() {
    return "k-" + sequence.incrementAndGet();
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
   * A duplicate: the claim answers with the stored record.
   *
   * @return the replayed result
   */
  @Benchmark
  public CallResult<String> idempotentCallReplay() {
    return engine.execute(replayKey, Fingerprint.none(), Codecs.string(), c -> "never");
  }

  /**
   * A replay's claim straight on the store, without the engine: the store's share of a replay.
   *
   * @return the stored record
   */
  @Benchmark
  public ClaimResult storeClaimReplay() {
    return replayStore.claim(replayKey.storageKey(), Fingerprint.none().value(), Duration.ofMinutes(1));
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
      return h.fencingToken().value();
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

  /**
   * Reserve one unit and release it again (two operations; the item's hash or rows stay small).
   *
   * @return RELEASED
   */
  @Benchmark
  public ReleaseOutcome stockReserveAndRelease() {
    return stock.release(stock.reserve("bench-sku", "holder").reservation());
  }

  /**
   * One rate-limit decision on a limit the benchmark never reaches.
   *
   * @return the decision
   */
  @Benchmark
  public RateLimitDecision rateLimitAcquire() {
    return limiter.tryAcquire("bench-user");
  }

  /**
   * A replay served by the near cache: no round trip once the first one cached it.
   *
   * @return the replayed result
   */
  @Benchmark
  public CallResult<String> nearCacheReplay() {
    return nearCached.execute(replayKey, Fingerprint.none(), Codecs.string(), c -> "never");
  }
}
