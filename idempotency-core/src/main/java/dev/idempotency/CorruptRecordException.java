package dev.idempotency;

/**
 * A record read back from a store is not in the shape this library writes: a field is missing, a
 * number is not a number, a length prefix points past the end, a kind byte is unknown. It was
 * damaged or tampered with, or written by something else under the same key.
 *
 * <p>Lengths are checked before anything is allocated, so a hostile record can never make the
 * library allocate more than the record's own size, and never throws an {@link Error}. The store
 * was reachable, so this is never reported as {@link StoreUnavailableException}; nothing runs for
 * the key while the record is there.
 */
public class CorruptRecordException extends IdempotencyException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is wrong with the record (never its contents)
   * @param cause the parse failure, if any
   */
  public CorruptRecordException(String message, Throwable cause) {
    super(message, cause);
  }
}
