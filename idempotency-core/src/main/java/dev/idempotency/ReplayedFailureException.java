package dev.idempotency;

/**
 * Replays a stored terminal failure whose original exception type could not be re-created (it has
 * no public constructor taking a message, or no longer exists).
 *
 * <p>Where the declared terminal type can be re-created, the replay throws that type instead.
 */
public class ReplayedFailureException extends IdempotencyException {
  private static final long serialVersionUID = 1L;

  /** The class name of the stored failure. */
  private final String originalType;
  /** The message of the stored failure. */
  private final String originalMessage;

  /**
   * Creates the exception.
   *
   * @param originalType the class name of the exception the first call threw
   * @param originalMessage its message, possibly null
   */
  public ReplayedFailureException(String originalType, String originalMessage) {
    super("replayed failure " + originalType + (originalMessage == null ? "" : ": " + originalMessage));
    this.originalType = originalType;
    this.originalMessage = originalMessage;
  }

  /**
   * The class name of the exception the first call threw.
   *
   * @return a binary class name
   */
  public String originalType() {
    return originalType;
  }

  /**
   * The message of the exception the first call threw.
   *
   * @return the message, or null if it had none
   */
  public String originalMessage() {
    return originalMessage;
  }
}
