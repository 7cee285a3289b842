package dev.idempotency;

/**
 * Another call with the same key is still running; this call did not run the action.
 *
 * <p>Thrown at once under {@link InProgressPolicy#reject()}, or when a bounded wait under
 * {@link InProgressPolicy#await(java.time.Duration)} runs out. The client should retry later and will
 * then receive the first call's result.
 */
public class RequestInProgressException extends IdempotencyException {
  private static final long serialVersionUID = 1L;

  private final transient IdempotencyKey key;

  /**
   * Creates the exception.
   *
   * @param key the key whose first call is still running
   * @param message the details
   */
  public RequestInProgressException(IdempotencyKey key, String message) {
    super(message);
    this.key = key;
  }

  /**
   * The key whose first call is still running.
   *
   * @return the key
   */
  public IdempotencyKey key() {
    return key;
  }

  /** {@inheritDoc} A conflict: 409. */
  @Override
  public int suggestedHttpStatus() {
    return 409;
  }
}
