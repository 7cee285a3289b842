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

  /**
   * Whether {@link #decode} reads whatever {@link #encode} returns, because {@code encode} throws
   * rather than write what {@code decode} would refuse. The engine decodes each new result once
   * before storing it, so that a result no replay could read is never stored (the key is completed
   * with a marker instead, and the caller still gets its result); a codec that answers true is
   * trusted and spared that decode, which otherwise costs one per first call. Only a codec whose
   * format is its own should answer true: one that hands the value to a general-purpose mapper
   * cannot know what the mapper will refuse to construct.
   *
   * @return true if every encoding this codec produces can be decoded; false by default
   */
  default boolean decodesAllItEncodes() {
    return false;
  }
}
