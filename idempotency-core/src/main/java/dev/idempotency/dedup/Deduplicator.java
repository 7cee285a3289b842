package dev.idempotency.dedup;

import dev.idempotency.IdempotencyEvent;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.IdempotencyListener;
import dev.idempotency.InvalidInputException;
import dev.idempotency.StoreUnavailableException;
import dev.idempotency.defence.DefenceOutcome;
import dev.idempotency.defence.Layer;
import dev.idempotency.spi.MarkStore;
import dev.idempotency.spi.support.Listeners;
import dev.idempotency.spi.support.Require;
import dev.idempotency.spi.support.StoreCalls;
import java.time.Duration;
import java.util.function.Function;

/**
 * The dedup table: answers {@link DedupResult#FIRST} exactly once per key within the retention,
 * {@link DedupResult#DUPLICATE} afterwards. The building block of effectively-once message
 * consumption ({@link IdempotentConsumer}).
 *
 * <h2>Guarantees</h2>
 * Of any number of concurrent callers with one key, exactly one gets FIRST; the mark is set in one
 * atomic step on the backend and kept for the retention (default 7 days, decided by the backend's
 * clock). Round trips: one per call. Thread-safe.
 *
 * <p>On JDBC, the JDBC module's dedup table runs in the caller's own transaction, so the mark and
 * the business write commit or roll back together; this class is the transaction-less form.
 */
public final class Deduplicator {
  private final MarkStore store;
  private final Duration retention;
  private final IdempotencyListener listener;

  private Deduplicator(Builder b) {
    this.store = b.store;
    this.retention = b.retention;
    this.listener = b.listener;
  }

  /**
   * Starts building on a store.
   *
   * @param store the backend
   * @return a builder
   */
  public static Builder builder(MarkStore store) {
    return new Builder(Require.nonNull(store, "store"));
  }

  /**
   * Marks a key as seen.
   *
   * @param namespace what kind of key (for example the queue or consumer)
   * @param key the key (for example a message id)
   * @return FIRST for exactly one caller, DUPLICATE for every other
   * @throws StoreUnavailableException if the store cannot be reached
   */
  public DedupResult markFirst(String namespace, String key) {
    return markFirst(IdempotencyKey.of(namespace, key));
  }

  /**
   * Marks a key as seen.
   *
   * @param key the scoped key
   * @return FIRST for exactly one caller, DUPLICATE for every other
   * @throws StoreUnavailableException if the store cannot be reached
   */
  public DedupResult markFirst(IdempotencyKey key) {
    Require.nonNull(key, "key");
    String storageKey = key.storageKey();
    boolean first = StoreCalls.call(store.name(), "mark", listener, key.namespace(),
        () -> store.mark(storageKey, retention));
    Listeners.report(listener, first ? IdempotencyEvent.DEDUP_FIRST : IdempotencyEvent.DEDUP_DUPLICATE,
        key.namespace());
    return first ? DedupResult.FIRST : DedupResult.DUPLICATE;
  }

  /**
   * Removes a mark so that the key counts as new again: used when processing after FIRST failed, so
   * that a redelivery is processed instead of dropped.
   *
   * @param key the scoped key
   * @return true if a live mark was removed
   * @throws StoreUnavailableException if the store cannot be reached
   */
  public boolean forget(IdempotencyKey key) {
    Require.nonNull(key, "key");
    String storageKey = key.storageKey();
    return StoreCalls.call(store.name(), "forget", listener, key.namespace(), () -> store.unmark(storageKey));
  }

  /** Builds a {@link Deduplicator}; not thread-safe. */
  public static final class Builder {
    private final MarkStore store;
    private Duration retention = Duration.ofDays(7);
    private IdempotencyListener listener = IdempotencyListener.NOOP;

    private Builder(MarkStore store) {
      this.store = store;
    }

    /**
     * Sets how long marks are kept (default 7 days); it must cover the longest redelivery window.
     *
     * @param retention positive, at most {@link dev.idempotency.Limits#MAX_STORED_DURATION}
     * @return this builder
     */
    public Builder retention(Duration retention) {
      this.retention = Require.storedDuration(retention, "retention");
      return this;
    }

    /**
     * Sets the listener.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(IdempotencyListener listener) {
      this.listener = Require.nonNull(listener, "listener");
      return this;
    }

    /**
     * Builds the deduplicator.
     *
     * @return the deduplicator
     */
    public Deduplicator build() {
      return new Deduplicator(this);
    }
  }

  /**
   * This dedup table as a layer of a {@link dev.idempotency.defence.LayeredDefence}: it marks the
   * request's key; a key seen before stops the request ({@link DefenceOutcome.Reason#DUPLICATE}). If
   * the inner layers or the action fail, the mark is removed so that a retry is not mistaken for a
   * duplicate.
   *
   * @param <R> the request type
   * @param <T> the result type
   * @param key the request's key
   * @return the layer, named {@code "dedup"}; thread-safe
   * @throws InvalidInputException if the key function is null
   */
  public <R, T> Layer<R, T> asLayer(Function<? super R, IdempotencyKey> key) {
    return new DedupLayer<>(this, Require.nonNull(key, "key"));
  }
}
