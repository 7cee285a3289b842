package dev.idempotency.dedup;

/** The answer of {@link Deduplicator#markFirst}. */
public enum DedupResult {
  /** The key was seen for the first time: process it. */
  FIRST,
  /** The key was seen before (within the retention): drop it. */
  DUPLICATE;

  /**
   * Whether this is the first sighting.
   *
   * @return true for {@link #FIRST}
   */
  public boolean isFirst() {
    return this == FIRST;
  }
}
