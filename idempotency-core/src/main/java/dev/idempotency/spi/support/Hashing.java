package dev.idempotency.spi.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 helpers for stores that shorten or hide a key (a column too narrow for the longest key,
 * a principal that must not be stored in clear). Thread-safe; stateless.
 */
public final class Hashing {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Hashing() {}

  /**
   * SHA-256 of bytes, as 64 lower-case hex digits.
   *
   * @param bytes the input
   * @return the hex digest
   */
  public static String sha256Hex(byte[] bytes) {
    return hex(sha256(bytes));
  }

  /**
   * SHA-256 of the UTF-8 encoding of a string, as 64 lower-case hex digits.
   *
   * @param text the input
   * @return the hex digest
   */
  public static String sha256Hex(String text) {
    return sha256Hex(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * SHA-256 of bytes.
   *
   * @param bytes the input
   * @return the 32-byte digest
   */
  public static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }

  /**
   * Lower-case hex of bytes.
   *
   * @param bytes the input
   * @return the hex text
   */
  public static String hex(byte[] bytes) {
    char[] out = new char[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      out[2 * i] = HEX[(bytes[i] >> 4) & 0xf];
      out[2 * i + 1] = HEX[bytes[i] & 0xf];
    }
    return new String(out);
  }
}
