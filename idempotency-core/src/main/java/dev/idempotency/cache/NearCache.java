package dev.idempotency.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.idempotency.InvalidInputException;
import dev.idempotency.TimeSource;
import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.StoredRecord;
import dev.idempotency.spi.support.Require;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * A local cache of completed results in front of any idempotency store: a replay of a key this
 * instance has seen completed is answered from memory, with no round trip. Build the engine on it
 * instead of on the store.
 *
 * <pre>{@code
 * NearCache near = NearCache.builder(redis.idempotencyStore()).ttl(Duration.ofMinutes(5)).build();
 * IdempotencyEngine engine = IdempotencyEngine.builder(near).build();
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>Only completed records are cached, never a claim in progress: a completed record is final
 *       until its retention ends, so a cached one is exactly what the store would answer.</li>
 *   <li>A hit is checked by the engine as the store's record is: a key reused with another
 *       fingerprint is still refused ({@code KeyReusedException}, 422).</li>
 *   <li>A result this instance completed is kept for at most {@code min(ttl, retention)} from just
 *       before its completion reached the store, so never longer than the store keeps it. A result
 *       completed by another instance, learned from a claim's answer, is kept for {@link Builder#ttl}
 *       from when it was seen: set the ttl no longer than the shortest retention of the calls you
 *       run through this store (the store's answer does not say how much retention is left).</li>
 *   <li>Memory is bounded ({@link Builder#maximumWeightBytes}, weighed by key and payload size).</li>
 *   <li>With the store down, completed results in the cache still replay: the cache is consulted
 *       before the store. Everything else fails as the store does.</li>
 * </ul>
 *
 * <p>It cannot front a store that writes in the caller's transaction (a rolled-back completion
 * would stay cached): {@link Builder#build()} refuses one. Thread-safe.
 */
public final class NearCache implements IdempotencyStore {
  private final IdempotencyStore store;
  private final TimeSource time;
  private final long ttlNanos;
  private final Cache<String, Entry> completed;
  private final Cache<String, Pending> pending;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();

  /** A completed record and the instant it must be forgotten. */
  private record Entry(StoredRecord record, long deadline, int weight) {}

  /** A claim of this instance, remembered until it completes so that its fingerprint is known. */
  private record Pending(long token, String fingerprint) {}

  private NearCache(Builder b) {
    this.store = b.store;
    this.time = b.time;
    this.ttlNanos = b.ttl.toNanos();
    this.completed = Caffeine.newBuilder()
        .ticker(time::nanoTime)
        .executor(Runnable::run)
        .maximumWeight(b.maximumWeightBytes)
        .weigher((String k, Entry e) -> e.weight())
        .expireAfter(new Expiry<String, Entry>() {
          @Override
          public long expireAfterCreate(String key, Entry e, long now) {
            return Math.max(0, e.deadline() - now);
          }

          @Override
          public long expireAfterUpdate(String key, Entry e, long now, long currentDuration) {
            return Math.max(0, e.deadline() - now);
          }

          @Override
          public long expireAfterRead(String key, Entry e, long now, long currentDuration) {
            return currentDuration;
          }
        })
        .build();
    this.pending = Caffeine.newBuilder()
        .ticker(time::nanoTime)
        .executor(Runnable::run)
        .maximumSize(b.maximumPending)
        .expireAfterWrite(Duration.ofHours(1))
        .build();
  }

  /**
   * Starts building a near cache in front of a store.
   *
   * @param store the store it fronts
   * @return a builder
   */
  public static Builder builder(IdempotencyStore store) {
    return new Builder(Require.nonNull(store, "store"));
  }

  @Override
  public String name() {
    return store.name();
  }

  /**
   * {@inheritDoc} A live completed record in the cache is the answer, with no round trip;
   * otherwise the store's, and a completed record it returns is cached.
   */
  @Override
  public ClaimResult claim(String key, String fingerprint, Duration lease) {
    StoredRecord cached = live(key);
    if (cached != null) {
      return new ClaimResult.Existing(cached);
    }
    ClaimResult result = store.claim(key, fingerprint, lease);
    if (result instanceof ClaimResult.Acquired acquired) {
      pending.put(key, new Pending(acquired.fencingToken(), fingerprint));
    } else {
      remember(key, ((ClaimResult.Existing) result).record(), time.nanoTime() + ttlNanos);
    }
    return result;
  }

  @Override
  public boolean complete(String key, long fencingToken, byte[] payload, Duration retention) {
    long before = time.nanoTime();
    boolean stored = store.complete(key, fencingToken, payload, retention);
    Pending p = pending.getIfPresent(key);
    if (p != null && p.token() == fencingToken) {
      pending.invalidate(key);
      if (stored) {
        long keep = Math.min(ttlNanos, retention.toNanos());
        remember(key, StoredRecord.completed(p.fingerprint(), fencingToken, payload), before + keep);
      }
    }
    return stored;
  }

  @Override
  public boolean release(String key, long fencingToken) {
    Pending p = pending.getIfPresent(key);
    if (p != null && p.token() == fencingToken) {
      pending.invalidate(key);
    }
    return store.release(key, fencingToken);
  }

  /** {@inheritDoc} A live completed record in the cache is the answer, with no round trip. */
  @Override
  public Optional<StoredRecord> find(String key) {
    StoredRecord cached = live(key);
    if (cached != null) {
      return Optional.of(cached);
    }
    Optional<StoredRecord> found = store.find(key);
    found.ifPresent(r -> remember(key, r, time.nanoTime() + ttlNanos));
    return found;
  }

  @Override
  public int maxPayloadBytes() {
    return store.maxPayloadBytes();
  }

  /**
   * How many claims and reads the cache answered without the store.
   *
   * @return hits since this cache was built
   */
  public long hits() {
    return hits.sum();
  }

  /**
   * How many claims and reads went to the store.
   *
   * @return misses since this cache was built
   */
  public long misses() {
    return misses.sum();
  }

  /** Forgets every cached result (they are still in the store). */
  public void invalidateAll() {
    completed.invalidateAll();
  }

  private StoredRecord live(String key) {
    Entry e = completed.getIfPresent(key);
    if (e != null && e.deadline() - time.nanoTime() > 0) {
      hits.increment();
      return e.record();
    }
    misses.increment();
    return null;
  }

  private void remember(String key, StoredRecord record, long deadline) {
    if (record.status() != StoredRecord.Status.COMPLETED || record.payload() == null) {
      return;
    }
    if (deadline - time.nanoTime() <= 0) {
      return;
    }
    long weight = 96L + 2L * key.length() + 2L * record.fingerprint().length() + record.payload().length;
    completed.put(key, new Entry(record, deadline, (int) Math.min(Integer.MAX_VALUE, weight)));
  }

  /** Configures a {@link NearCache}; not thread-safe. Defaults: ttl 5 minutes, 64 MiB. */
  public static final class Builder {
    private final IdempotencyStore store;
    private TimeSource time = TimeSource.system();
    private Duration ttl = Duration.ofMinutes(5);
    private long maximumWeightBytes = 64L * 1024 * 1024;
    private long maximumPending = 100_000;

    private Builder(IdempotencyStore store) {
      this.store = store;
    }

    /**
     * Sets the longest time a result is kept; see the class guarantees.
     *
     * @param ttl positive, at most {@link dev.idempotency.Limits#MAX_STORED_DURATION}
     * @return this builder
     */
    public Builder ttl(Duration ttl) {
      this.ttl = Require.storedDuration(ttl, "ttl");
      return this;
    }

    /**
     * Bounds the cache's memory, estimated from key, fingerprint and payload sizes.
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
     * Bounds how many claims of this instance in progress are remembered (beyond it, a completion
     * is simply not cached).
     *
     * @param claims positive
     * @return this builder
     */
    public Builder maximumPending(long claims) {
      Require.argument(claims > 0, "maximumPending", "must be positive, was " + claims);
      this.maximumPending = claims;
      return this;
    }

    /**
     * Sets the time source of expiry (inject a manual one in tests).
     *
     * @param time the time source
     * @return this builder
     */
    public Builder timeSource(TimeSource time) {
      this.time = Require.nonNull(time, "timeSource");
      return this;
    }

    /**
     * Builds the cache.
     *
     * @return the cache
     * @throws InvalidInputException if the store writes in the caller's transaction
     */
    public NearCache build() {
      Require.argument(!store.joinsCallerTransaction(), "store",
          "writes in the caller's transaction; a near cache could keep a result that is rolled back");
      return new NearCache(this);
    }
  }
}
