package dev.idempotency.codec;

/**
 * Turns a result into bytes for storage and back for replay. Stored results are decoded only by the
 * codec the caller configures; nothing is ever deserialized by type information found in the store.
 *
 * <p>The engine handles {@code null} results itself; a codec is never given null and never asked to
 * produce it. Implementations must be thread-safe. Failures should be thrown as
 * {@link dev.idempotency.ResultCodecException}; anything else is wrapped in one.
 *
 * @param <T> the result type
 */
public interface ResultCodec<T> {
  /**
   * Encodes a result.
   *
   * @param value a non-null result
   * @return its bytes
   */
  byte[] encode(T value);

  /**
   * Decodes a stored result.
   *
   * @param bytes what {@link #encode} produced
   * @return the result, equal to the one encoded
   */
  T decode(byte[] bytes);
}
