package dev.idempotency;

/**
 * Bad input at a call or in configuration: a null, blank, over-long or control-character key, a
 * non-positive duration, an undeclared state, an identifier that is not one, ...
 *
 * <p>Thrown before anything is sent to a store, so nothing has been written when a caller sees it.
 */
public class InvalidInputException extends IdempotencyException {
  private static final long serialVersionUID = 1L;

  /** The offending argument or setting. */
  private final String field;

  /**
   * Creates the exception.
   *
   * @param field the name of the offending argument or setting
   * @param message what is wrong with it
   */
  public InvalidInputException(String field, String message) {
    super(field + ": " + message);
    this.field = field;
  }

  /**
   * The name of the offending argument or setting.
   *
   * @return the field name, as it appears in the message
   */
  public String field() {
    return field;
  }

  /** {@inheritDoc} A bad request: 400. */
  @Override
  public int suggestedHttpStatus() {
    return 400;
  }
}
