package dev.idempotency.internal;

import dev.idempotency.ResultCodecException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The bytes an idempotency record stores: a kind byte, then a codec's bytes (a result) or a class
 * name and message (a terminal failure). One format for every backend. Not part of the public API.
 */
public final class Envelope {
  /** A null result. */
  public static final byte NULL = 0;
  /** A result, followed by the codec's bytes. */
  public static final byte VALUE = 1;
  /** A terminal failure: class name and message. */
  public static final byte FAILURE = 2;

  private static final byte[] NULL_ENVELOPE = {NULL};

  private Envelope() {}

  /**
   * Wraps a codec's bytes; null for a null result.
   *
   * @param encoded the codec's bytes, or null
   * @return the envelope
   */
  public static byte[] value(byte[] encoded) {
    if (encoded == null) {
      return NULL_ENVELOPE.clone();
    }
    byte[] out = new byte[encoded.length + 1];
    out[0] = VALUE;
    System.arraycopy(encoded, 0, out, 1, encoded.length);
    return out;
  }

  /**
   * Encodes a terminal failure.
   *
   * @param type the exception's class name
   * @param message its message, or null
   * @return the envelope
   */
  public static byte[] failure(String type, String message) {
    byte[] t = type.getBytes(StandardCharsets.UTF_8);
    byte[] m = message == null ? null : message.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(1 + 4 + t.length + 4 + (m == null ? 0 : m.length));
    b.put(FAILURE).putInt(t.length).put(t).putInt(m == null ? -1 : m.length);
    if (m != null) {
      b.put(m);
    }
    return b.array();
  }

  /**
   * The kind of an envelope.
   *
   * @param envelope the stored bytes
   * @return {@link #NULL}, {@link #VALUE} or {@link #FAILURE}
   */
  public static byte kind(byte[] envelope) {
    if (envelope == null || envelope.length == 0 || envelope[0] < NULL || envelope[0] > FAILURE) {
      throw new ResultCodecException("stored record is not a result envelope", null);
    }
    return envelope[0];
  }

  /**
   * The codec's bytes of a {@link #VALUE} envelope.
   *
   * @param envelope the stored bytes
   * @return the codec's bytes
   */
  public static byte[] valueBytes(byte[] envelope) {
    byte[] out = new byte[envelope.length - 1];
    System.arraycopy(envelope, 1, out, 0, out.length);
    return out;
  }

  /**
   * The failure of a {@link #FAILURE} envelope.
   *
   * @param envelope the stored bytes
   * @return the class name and message
   */
  public static StoredFailure failureOf(byte[] envelope) {
    try {
      ByteBuffer b = ByteBuffer.wrap(envelope, 1, envelope.length - 1);
      byte[] t = new byte[b.getInt()];
      b.get(t);
      int ml = b.getInt();
      String message = null;
      if (ml >= 0) {
        byte[] m = new byte[ml];
        b.get(m);
        message = new String(m, StandardCharsets.UTF_8);
      }
      return new StoredFailure(new String(t, StandardCharsets.UTF_8), message);
    } catch (RuntimeException e) {
      throw new ResultCodecException("stored failure is corrupt", e);
    }
  }

  /**
   * A stored terminal failure.
   *
   * @param type the exception's class name
   * @param message its message, or null
   */
  public record StoredFailure(String type, String message) {}
}
