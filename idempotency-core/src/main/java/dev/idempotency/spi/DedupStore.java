package dev.idempotency.spi;

import java.time.Duration;

/** The backend of the dedup table ({@link dev.idempotency.dedup.Deduplicator}). */
public interface DedupStore extends Store {
  /**
   * Sets a mark if there is no live one, in one atomic step.
   *
   * @param key the storage key
   * @param retention how long the mark is kept
   * @return true for exactly one caller per live mark (first), false for every other (duplicate)
   */
  boolean markFirst(String key, Duration retention);

  /**
   * Removes a mark, so that the key counts as new again (used when processing failed).
   *
   * @param key the storage key
   * @return true if a live mark was removed
   */
  boolean remove(String key);
}
