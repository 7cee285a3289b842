package dev.idempotency;

/**
 * The root of every exception this library throws on purpose.
 *
 * <p>Each outcome a caller must handle has its own subclass (a request already in progress, a key
 * reused with another request, a store that cannot be reached, ...), so that callers can catch the
 * root once or the cases they care about. The cause, where there is one, is always kept.
 *
 * <p>{@link #suggestedHttpStatus()} maps each outcome onto the HTTP status an API would usually
 * answer with (the mapping Stripe and Powertools use), so that a web layer can translate without a
 * table of its own.
 */
public class IdempotencyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what happened, readable by an operator
   */
  public IdempotencyException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what happened, readable by an operator
   * @param cause the underlying failure, kept for diagnosis
   */
  public IdempotencyException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * The HTTP status an API would usually answer with for this outcome.
   *
   * @return 500 unless a subclass knows better
   */
  public int suggestedHttpStatus() {
    return 500;
  }
}
