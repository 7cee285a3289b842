package dev.idempotency.spi;

/**
 * The answer to {@link IdempotencyStore#claim}: either the caller now owns the key, or a record
 * exists already.
 */
public sealed interface ClaimResult permits ClaimResult.Acquired, ClaimResult.Existing {

  /**
   * The caller owns the key until the lease expires.
   *
   * @param fencingToken greater than every token issued before for this key
   */
  record Acquired(long fencingToken) implements ClaimResult {
    /**
     * Checks the token the store issued.
     *
     * @param fencingToken zero or more
     * @throws dev.idempotency.CorruptRecordException if it is negative: the store's counter was
     *     tampered with
     */
    public Acquired {
      if (fencingToken < 0) {
        throw new dev.idempotency.CorruptRecordException("the store issued a negative fencing token ("
            + fencingToken + ")", null);
      }
    }
  }

  /**
   * A live record exists: in progress under another owner, or completed.
   *
   * @param record the existing record
   */
  record Existing(StoredRecord record) implements ClaimResult {}
}
