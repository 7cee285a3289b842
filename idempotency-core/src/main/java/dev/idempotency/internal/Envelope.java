package dev.idempotency.internal;

import dev.idempotency.CorruptRecordException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The bytes an idempotency record stores: a kind byte, then a codec's bytes (a result), a class
 * name and message (a terminal failure), or the reason a result was not stored. One format for
 * every backend. Reading checks every length against the bytes actually there before allocating,
 * so a tampered record gives {@link CorruptRecordException}, never an {@link Error}. Not part of
 * the public API.
 */
public final class Envelope {
  /** A null result. */
  public static final byte NULL = 0;
  /** A result, followed by the codec's bytes. */
  public static final byte VALUE = 1;
  /** A terminal failure: class name and message. */
  public static final byte FAILURE = 2;
  /** A result that ran but could not be stored: the reason, replayed as an error. */
  public static final byte NOT_STORED = 3;

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
    if (envelope == null || envelope.length == 0 || envelope[0] < NULL || envelope[0] > NOT_STORED) {
      throw new CorruptRecordException("the stored record is not a result envelope (unknown kind)", null);
    }
    return envelope[0];
  }

  /**
   * The marker of a result that could not be stored.
   *
   * @param reason why, for the duplicates' error message
   * @return the envelope
   */
  public static byte[] notStored(String reason) {
    byte[] r = reason.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[r.length + 1];
    out[0] = NOT_STORED;
    System.arraycopy(r, 0, out, 1, r.length);
    return out;
  }

  /**
   * The reason of a {@link #NOT_STORED} envelope.
   *
   * @param envelope the stored bytes
   * @return the reason
   */
  public static String notStoredReason(byte[] envelope) {
    return new String(envelope, 1, envelope.length - 1, StandardCharsets.UTF_8);
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
      String type = text(b, false);
      String message = text(b, true);
      if (b.hasRemaining()) {
        throw new CorruptRecordException("the stored failure has " + b.remaining() + " trailing bytes", null);
      }
      return new StoredFailure(type, message);
    } catch (BufferUnderflowException e) {
      throw new CorruptRecordException("the stored failure is truncated", e);
    }
  }

  /** A length-prefixed UTF-8 text; -1 is null where allowed. The length is checked before allocating. */
  private static String text(ByteBuffer b, boolean nullable) {
    int length = b.getInt();
    if (length == -1 && nullable) {
      return null;
    }
    if (length < 0 || length > b.remaining()) {
      throw new CorruptRecordException("the stored failure has a length of " + length + " where "
          + b.remaining() + " bytes remain", null);
    }
    String s = new String(b.array(), b.arrayOffset() + b.position(), length, StandardCharsets.UTF_8);
    b.position(b.position() + length);
    return s;
  }

  /**
   * A stored terminal failure.
   *
   * @param type the exception's class name
   * @param message its message, or null
   */
  public record StoredFailure(String type, String message) {}
}
