package dev.idempotency;

import dev.idempotency.spi.support.Hashing;
import dev.idempotency.spi.support.Require;

/**
 * A hash of the request a key guards: SHA-256 of a canonical form of the payload, as 64 lower-case
 * hex digits. A key presented again with another fingerprint is a {@link KeyReusedException}.
 *
 * <p>The canonical form is the caller's choice (canonical JSON, the fields that matter joined in a
 * fixed order, ...); two requests that should count as the same must produce the same bytes.
 * {@link #none()} opts out of the check: every request with the key then counts as the same.
 *
 * <p>Immutable and thread-safe.
 */
public final class Fingerprint {
  private static final Fingerprint NONE = new Fingerprint("");

  private final String value;

  private Fingerprint(String value) {
    this.value = value;
  }

  /**
   * No fingerprint: the key alone identifies the request.
   *
   * @return the empty fingerprint
   */
  public static Fingerprint none() {
    return NONE;
  }

  /**
   * SHA-256 of a canonical payload.
   *
   * @param canonicalPayload the payload's canonical bytes
   * @return the fingerprint
   */
  public static Fingerprint sha256(byte[] canonicalPayload) {
    return new Fingerprint(Hashing.sha256Hex(Require.nonNull(canonicalPayload, "payload")));
  }

  /**
   * SHA-256 of the UTF-8 encoding of a canonical payload.
   *
   * @param canonicalPayload the payload's canonical text
   * @return the fingerprint
   */
  public static Fingerprint sha256(String canonicalPayload) {
    return new Fingerprint(Hashing.sha256Hex(Require.nonNull(canonicalPayload, "payload")));
  }

  /**
   * A fingerprint computed elsewhere, or read back from a store.
   *
   * @param value 64 lower-case hex digits, or the empty string for {@link #none()}
   * @return the fingerprint
   */
  public static Fingerprint of(String value) {
    Require.nonNull(value, "fingerprint");
    if (value.isEmpty()) {
      return NONE;
    }
    Require.argument(value.length() == 64 && value.chars().allMatch(
        c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')), "fingerprint",
        "must be 64 lower-case hex digits");
    return new Fingerprint(value);
  }

  /**
   * The stored form: 64 hex digits, or empty for {@link #none()}.
   *
   * @return the value
   */
  public String value() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Fingerprint f && f.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return value.isEmpty() ? "Fingerprint[none]" : "Fingerprint[" + value.substring(0, 12) + "...]";
  }
}
