package dev.idempotency;

/**
 * The first call with this key ran its action, but its result could not be stored: the codec could
 * not encode it, it was larger than the limit, or the store refused it. The key was completed with a
 * marker instead, so the action will not run a second time for this key while the marker is kept
 * (the call's retention); every duplicate gets this exception.
 *
 * <p>Seen by duplicates of a key completed with the marker, and by the first caller only where the
 * call runs in the caller's transaction (there, the caller's rollback undoes the action's writes
 * and the marker together, so failing is the safe answer).
 */
public class ResultNotStoredException extends IdempotencyException {
  private static final long serialVersionUID = 1L;

  /** The key whose result was not stored. */
  private final IdempotencyKey key;

  /**
   * Creates the exception.
   *
   * @param key the key whose result was not stored
   * @param reason why it could not be stored
   */
  public ResultNotStoredException(IdempotencyKey key, String reason) {
    this(key, reason, null);
  }

  /**
   * Creates the exception with the failure that kept the result from being stored.
   *
   * @param key the key whose result was not stored
   * @param reason why it could not be stored
   * @param cause the codec's or the store's failure, if any
   */
  public ResultNotStoredException(IdempotencyKey key, String reason, Throwable cause) {
    super("the call with key " + key + " ran, but its result could not be stored (" + reason
        + "); it will not run again for this key", cause);
    this.key = key;
  }

  /**
   * The key whose result was not stored.
   *
   * @return the key
   */
  public IdempotencyKey key() {
    return key;
  }

  /**
   * {@inheritDoc} The request was processed but its response is lost: 500, and a retry gets the
   * same answer.
   */
  @Override
  public int suggestedHttpStatus() {
    return 500;
  }
}
