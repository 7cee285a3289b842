package dev.idempotency.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Conversions for the binary Jedis API. */
final class Bytes {
  private Bytes() {}

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] ascii(long n) {
    return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] millis(Duration d) {
    return ascii(Math.max(1, d.toMillis()));
  }

  static String string(Object reply) {
    return reply == null ? null : new String((byte[]) reply, StandardCharsets.UTF_8);
  }

  static long number(Object reply) {
    if (reply instanceof Long l) {
      return l;
    }
    return Long.parseLong(string(reply));
  }
}
