package dev.idempotency.memory;

import dev.idempotency.TimeSource;
import dev.idempotency.spi.Backend;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.LockStore;
import dev.idempotency.spi.MarkStore;
import dev.idempotency.spi.RateLimitStore;
import dev.idempotency.spi.StateStore;
import dev.idempotency.spi.StockStore;
import dev.idempotency.spi.support.Require;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The embedded backend: every store of the contract in this JVM's memory, on Caffeine. It is the
 * default users develop against, not a test double: it honours leases, retention, TTLs and fencing
 * exactly as the Redis and JDBC backends do, with time read from an injectable {@link TimeSource}.
 *
 * <pre>{@code
 * InMemoryBackend backend = InMemoryBackend.create();
 * IdempotencyEngine engine = IdempotencyEngine.builder(backend.idempotencyStore()).build();
 * }</pre>
 *
 * <h2>Guarantees and limits</h2>
 * <ul>
 *   <li>Every operation is one atomic {@code compute} on a concurrent map: exactly-once holds
 *       across all threads of this JVM. It does not span processes; use Redis or JDBC for that.</li>
 *   <li>Fencing tokens come from one counter shared by all stores of the backend, so they grow
 *       across claims, takeovers and re-acquisitions of any key.</li>
 *   <li>Memory is bounded by {@link Builder#maximumWeightBytes} (default 256 MiB, estimated from key
 *       and payload sizes). Live claims and locks are never evicted for size, only by their lease;
 *       completed results, tokens and dedup marks may be evicted early if the bound is reached, so
 *       size it for the retention you need.</li>
 *   <li>State-machine entities are business data and are never evicted; at most
 *       {@link Builder#maximumEntities} per entity type are accepted.</li>
 * </ul>
 *
 * <p>Thread-safe. The stores it returns share its memory: two calls to {@link #idempotencyStore()}
 * give two clients of the same data, as two service instances would be of one Redis.
 *
 * <p>Its stores are native fast paths (a {@code compute} per operation on bounded maps) in place of
 * the stores {@link dev.idempotency.spi.RecordBackend} derives; {@link InMemoryRecordStore} is the
 * primitive in memory, for tests and as the reference implementation.
 */
public final class InMemoryBackend implements Backend {
  static final String NAME = "in-memory";

  private final long maximumEntities;
  private final AtomicLong fencing = new AtomicLong();
  private final InMemoryIdempotencyStore records;
  private final InMemoryMarkStore tokens;
  private final InMemoryLockStore locks;
  private final InMemoryMarkStore dedup;
  private final Map<String, InMemoryStateStore> states = new ConcurrentHashMap<>();
  private final InMemoryStockStore stock;
  private final InMemoryRateLimitStore rates;

  private InMemoryBackend(Builder b) {
    this.maximumEntities = b.maximumEntities;
    this.records = new InMemoryIdempotencyStore(new ExpiringMap<>(b.time, b.maximumWeightBytes), fencing);
    this.tokens = new InMemoryMarkStore(new ExpiringMap<>(b.time, b.maximumWeightBytes));
    this.locks = new InMemoryLockStore(new ExpiringMap<>(b.time, b.maximumWeightBytes), fencing);
    this.dedup = new InMemoryMarkStore(new ExpiringMap<>(b.time, b.maximumWeightBytes));
    this.rates = new InMemoryRateLimitStore(b.time, b.maximumEntities);
    this.stock = new InMemoryStockStore(b.time);
  }

  /**
   * Counts what this backend holds now: live idempotency records, tokens, locks, dedup marks, state
   * rows, stocked items and rate-limit states. For tests (the bad-input corpus checks that a refused
   * call wrote nothing) and monitoring; it walks every store, so it is not for a hot path.
   *
   * @return the number of live entries
   */
  public long liveEntries() {
    long n = records.liveCount() + tokens.liveCount() + locks.liveCount() + dedup.liveCount()
        + stock.liveCount() + rates.liveCount();
    for (InMemoryStateStore s : states.values()) {
      n += s.liveCount();
    }
    return n;
  }

  /**
   * A backend on the system clock with the default bounds.
   *
   * @return the backend
   */
  public static InMemoryBackend create() {
    return builder().build();
  }

  /**
   * Starts building a backend.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Nothing to release: the memory goes with the last reference. */
  @Override
  public void close() {}

  @Override
  public IdempotencyStore idempotencyStore() {
    return records;
  }

  @Override
  public MarkStore tokenStore() {
    return tokens;
  }

  @Override
  public LockStore lockStore() {
    return locks;
  }

  @Override
  public MarkStore dedupStore() {
    return dedup;
  }

  /**
   * {@inheritDoc} The in-memory equivalent of one table: the same store for the same type.
   */
  @Override
  public StateStore stateStore(String entityType) {
    Require.identifier(entityType, "entityType", 64);
    return states.computeIfAbsent(entityType, t -> new InMemoryStateStore(maximumEntities));
  }

  /**
   * {@inheritDoc} Items are business data: they are never evicted.
   */
  @Override
  public StockStore stockStore() {
    return stock;
  }

  /**
   * {@inheritDoc} Lock-free, on this backend's time source; at most {@link Builder#maximumEntities}
   * keys are tracked at once (the least recently used idle ones are dropped first).
   */
  @Override
  public RateLimitStore rateLimitStore() {
    return rates;
  }

  /** Builds an {@link InMemoryBackend}; not thread-safe. */
  public static final class Builder {
    private TimeSource time = TimeSource.system();
    private long maximumWeightBytes = 256L * 1024 * 1024;
    private long maximumEntities = 1_000_000;

    private Builder() {}

    /**
     * Sets the time source that decides expiry (inject a manual one in tests to advance time
     * instead of sleeping).
     *
     * @param time the time source
     * @return this builder
     */
    public Builder timeSource(TimeSource time) {
      this.time = Require.nonNull(time, "timeSource");
      return this;
    }

    /**
     * Bounds the memory of each expiring store (records, tokens, locks, dedup marks), estimated from
     * key and payload sizes.
     *
     * @param bytes positive
     * @return this builder
     */
    public Builder maximumWeightBytes(long bytes) {
      Require.argument(bytes > 0, "maximumWeightBytes", "must be positive, was " + bytes);
      this.maximumWeightBytes = bytes;
      return this;
    }

    /**
     * Bounds the number of state-machine entities per entity type, and of rate-limited keys.
     *
     * @param entities positive
     * @return this builder
     */
    public Builder maximumEntities(long entities) {
      Require.argument(entities > 0, "maximumEntities", "must be positive, was " + entities);
      this.maximumEntities = entities;
      return this;
    }

    /**
     * Builds the backend.
     *
     * @return the backend
     */
    public InMemoryBackend build() {
      return new InMemoryBackend(this);
    }
  }
}
