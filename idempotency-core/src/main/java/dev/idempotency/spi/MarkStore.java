package dev.idempotency.spi;

import java.time.Duration;

/**
 * Marks set once per key with a time to live: the store behind one-time tokens
 * ({@link dev.idempotency.token.OneTimeTokens}: issue marks, consume unmarks) and the dedup table
 * ({@link dev.idempotency.dedup.Deduplicator}: the first sight marks, a failed processing unmarks).
 * Both ask the same two atomic questions, so they share this one SPI; a backend hands out one store
 * per use ({@link Backend#tokenStore()}, {@link Backend#dedupStore()}) so that their keys never mix.
 *
 * <p>Keys are opaque to the store: the core passes a storage key (for tokens, a hash of scope and
 * token, never the token itself).
 */
public interface MarkStore extends Store {
  /**
   * Sets a mark if there is no live one, in one atomic step. An expired mark counts as absent.
   *
   * @param key the storage key
   * @param ttl how long the mark lives
   * @return true for exactly one caller per live mark, false for every other
   */
  boolean mark(String key, Duration ttl);

  /**
   * Removes a mark in one atomic step and reports whether a live one was there. Of any number of
   * concurrent callers, at most one gets true.
   *
   * @param key the storage key
   * @return true if a live mark was removed
   */
  boolean unmark(String key);

  /**
   * {@link #unmark} as a step that its backend can run with others in one round trip, or null if
   * the backend has no {@link StepRunner} (the default).
   *
   * @param key the storage key
   * @return the step, whose reply is {@link #unmark}'s and passes when true; or null
   */
  default StoreStep<Boolean> unmarkStep(String key) {
    return null;
  }
}
