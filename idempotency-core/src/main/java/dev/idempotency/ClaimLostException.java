package dev.idempotency;

/**
 * The action ran, but its claim was lost before the result could be stored: the lease expired and
 * another caller took the key over with a newer fencing token. The result of this call was
 * <em>not</em> stored, and the new owner's record was not overwritten.
 *
 * <p>A client that retries receives the new owner's result. Seeing this exception means the lease is
 * shorter than the action takes; lengthen it.
 */
public class ClaimLostException extends IdempotencyException {
  private static final long serialVersionUID = 1L;

  private final transient IdempotencyKey key;
  /** The token of the claim that was lost. */
  private final long fencingToken;

  /**
   * Creates the exception.
   *
   * @param key the key whose claim was lost
   * @param fencingToken the fencing token the lost claim carried
   */
  public ClaimLostException(IdempotencyKey key, FencingToken fencingToken) {
    super("claim on " + key + " (fencing token " + fencingToken
        + ") was lost: its lease expired and another caller took over; the result was not stored");
    this.key = key;
    this.fencingToken = fencingToken.value();
  }

  /**
   * The key whose claim was lost.
   *
   * @return the key
   */
  public IdempotencyKey key() {
    return key;
  }

  /**
   * The fencing token of the lost claim.
   *
   * @return the stale token
   */
  public FencingToken fencingToken() {
    return FencingToken.of(fencingToken);
  }

  /** {@inheritDoc} A conflict: 409; a retry replays the winner's result. */
  @Override
  public int suggestedHttpStatus() {
    return 409;
  }
}
