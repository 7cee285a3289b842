package dev.idempotency;

/**
 * The key was used before with a request whose fingerprint differs: the client reused a key for a
 * different operation. Nothing ran, and the stored record is untouched.
 */
public class KeyReusedException extends IdempotencyException {
  private static final long serialVersionUID = 1L;

  private final transient IdempotencyKey key;

  /**
   * Creates the exception.
   *
   * @param key the reused key
   */
  public KeyReusedException(IdempotencyKey key) {
    super("idempotency key " + key + " was already used with a different request");
    this.key = key;
  }

  /**
   * The reused key.
   *
   * @return the key
   */
  public IdempotencyKey key() {
    return key;
  }

  /** {@inheritDoc} Unprocessable: 422. */
  @Override
  public int suggestedHttpStatus() {
    return 422;
  }
}
