package dev.idempotency;

/**
 * What the store holds for a key now, as {@link IdempotencyEngine#lookup} reads it: for diagnosis,
 * support tools and tests. Immutable.
 *
 * @param status in progress or completed
 * @param fencingToken the token of the claim that wrote it
 */
public record CallRecord(Status status, FencingToken fencingToken) {
  /** A record's status. */
  public enum Status {
    /** Claimed; the action is running (or its owner died and the lease has not ended). */
    IN_PROGRESS,
    /** The outcome is stored and replayed to duplicates. */
    COMPLETED
  }
}
