package dev.idempotency;

/** A result could not be encoded for storage, or a stored result could not be decoded. */
public class ResultCodecException extends IdempotencyException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what could not be encoded or decoded
   * @param cause the codec's failure, if any
   */
  public ResultCodecException(String message, Throwable cause) {
    super(message, cause);
  }
}
