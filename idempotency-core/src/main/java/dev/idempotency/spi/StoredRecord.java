package dev.idempotency.spi;

/**
 * A live idempotency record as a store holds it.
 *
 * @param status in progress or completed
 * @param fingerprint the fingerprint of the request that claimed the key
 * @param fencingToken the token of the claim that wrote it
 * @param payload the encoded outcome when completed, null while in progress; not copied, must not
 *     be modified
 */
public record StoredRecord(Status status, String fingerprint, long fencingToken, byte[] payload) {

  /**
   * A record as read from the store, checked: what no store of the library writes is corrupt.
   *
   * @param status in progress or completed
   * @param fingerprint the fingerprint of the request that claimed the key
   * @param fencingToken the token of the claim that wrote it, zero or more
   * @param payload the encoded outcome when completed
   * @throws dev.idempotency.CorruptRecordException if the token is negative (a tampered record): a
   *     stored value out of range is the store's fault, never the caller's bad input
   */
  public StoredRecord {
    if (fencingToken < 0) {
      throw new dev.idempotency.CorruptRecordException("a stored record has a negative fencing token ("
          + fencingToken + ")", null);
    }
  }

  /** A record's status. */
  public enum Status {
    /** Claimed; the action is (or was, if its owner died) running. */
    IN_PROGRESS,
    /** The outcome is stored and replayed to duplicates. */
    COMPLETED
  }

  /**
   * An in-progress record.
   *
   * @param fingerprint the claiming request's fingerprint
   * @param fencingToken the claim's token
   * @return the record
   */
  public static StoredRecord inProgress(String fingerprint, long fencingToken) {
    return new StoredRecord(Status.IN_PROGRESS, fingerprint, fencingToken, null);
  }

  /**
   * A completed record.
   *
   * @param fingerprint the claiming request's fingerprint
   * @param fencingToken the claim's token
   * @param payload the encoded outcome
   * @return the record
   */
  public static StoredRecord completed(String fingerprint, long fencingToken, byte[] payload) {
    return new StoredRecord(Status.COMPLETED, fingerprint, fencingToken, payload);
  }
}
