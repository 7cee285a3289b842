package dev.idempotency.internal.records;

import dev.idempotency.CorruptRecordException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The derived stores' record layout: a format byte, then fixed-width longs and length-prefixed
 * UTF-8 strings and byte arrays. Reading anything the writer did not write is a
 * {@link CorruptRecordException}, never a raw exception.
 */
final class Bytes {
  private Bytes() {}

  /** A growable output buffer. */
  static final class Out {
    private byte[] buf;
    private int size;

    Out(int format, int capacity) {
      buf = new byte[Math.max(16, capacity)];
      buf[size++] = (byte) format;
    }

    private void room(int n) {
      if (size + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
      }
    }

    Out bool(boolean b) {
      room(1);
      buf[size++] = (byte) (b ? 1 : 0);
      return this;
    }

    Out i64(long v) {
      room(8);
      for (int i = 7; i >= 0; i--) {
        buf[size++] = (byte) (v >>> (8 * i));
      }
      return this;
    }

    Out bytes(byte[] b) {
      i64(b.length);
      room(b.length);
      System.arraycopy(b, 0, buf, size, b.length);
      size += b.length;
      return this;
    }

    Out text(String s) {
      return bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    byte[] done() {
      return size == buf.length ? buf : Arrays.copyOf(buf, size);
    }
  }

  /** A reader that fails with {@link CorruptRecordException}. */
  static final class In {
    private final ByteBuffer buf;
    private final String what;

    In(byte[] value, int format, String what) {
      this.what = what;
      this.buf = ByteBuffer.wrap(value);
      if (value.length == 0 || buf.get() != format) {
        throw corrupt(what + " record has an unknown format", null);
      }
    }

    boolean bool() {
      return i8() != 0;
    }

    private byte i8() {
      try {
        return buf.get();
      } catch (BufferUnderflowException e) {
        throw corrupt(what + " record is truncated", e);
      }
    }

    long i64() {
      try {
        return buf.getLong();
      } catch (BufferUnderflowException e) {
        throw corrupt(what + " record is truncated", e);
      }
    }

    long nonNegative() {
      long v = i64();
      if (v < 0) {
        throw corrupt(what + " record holds a negative count (" + v + ")", null);
      }
      return v;
    }

    byte[] bytes() {
      long n = i64();
      if (n < 0 || n > buf.remaining()) {
        throw corrupt(what + " record has a length past its end", null);
      }
      byte[] b = new byte[(int) n];
      buf.get(b);
      return b;
    }

    String text() {
      return new String(bytes(), StandardCharsets.UTF_8);
    }

    void end() {
      if (buf.hasRemaining()) {
        throw corrupt(what + " record has bytes past its end", null);
      }
    }
  }

  static CorruptRecordException corrupt(String message, Throwable cause) {
    return new CorruptRecordException("a stored " + message, cause);
  }
}
