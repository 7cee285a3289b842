package dev.idempotency.redis;

import dev.idempotency.CorruptRecordException;
import dev.idempotency.spi.support.Require;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** Conversions for the binary Jedis API. */
final class Bytes {
  private Bytes() {}

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] ascii(long n) {
    return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] millis(Duration d, String field) {
    return ascii(Require.storedMillis(d, field));
  }

  static String string(Object reply) {
    return reply == null ? null : new String((byte[]) reply, StandardCharsets.UTF_8);
  }

  /** A number the server returned, or a record field that must hold one. */
  static long number(Object reply) {
    if (reply instanceof Long l) {
      return l;
    }
    if (!(reply instanceof byte[] bytes) || bytes.length == 0 || bytes.length > 20) {
      throw new CorruptRecordException("expected a number, found " + describe(reply), null);
    }
    try {
      return Long.parseLong(new String(bytes, StandardCharsets.US_ASCII));
    } catch (NumberFormatException e) {
      throw new CorruptRecordException("expected a number, found " + bytes.length + " other bytes", e);
    }
  }

  /** A record field that must be present. */
  static byte[] field(List<?> fields, int index, String name) {
    Object v = index < fields.size() ? fields.get(index) : null;
    if (!(v instanceof byte[] bytes)) {
      throw new CorruptRecordException("the record has no field " + name + " (found " + describe(v) + ")", null);
    }
    return bytes;
  }

  private static String describe(Object reply) {
    return reply == null ? "nothing" : reply.getClass().getSimpleName();
  }
}
