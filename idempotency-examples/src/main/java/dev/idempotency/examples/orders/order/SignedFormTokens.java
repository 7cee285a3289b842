package dev.idempotency.examples.orders.order;

import dev.idempotency.token.OneTimeTokens;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Form tokens that need no store: {@code s<expiry>_<nonce>_<signature>}, an HMAC-SHA256 of the user,
 * the expiry and the nonce. They are issued when the token store (the cache) is down, so that a form
 * loaded during an outage can still place its order, and checked here, locally; what makes one
 * order per token is the database's dedup row and unique key on (user, token), which the order's
 * transaction writes whichever kind of token it carries. Thread-safe.
 */
final class SignedFormTokens {
  private static final String PREFIX = "s";
  private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

  private final SecretKeySpec key;
  private final Clock clock;
  private final Duration ttl;

  /**
   * @param secret the signing key's text; blank for a random key of this process
   * @param clock the time tokens expire on
   * @param ttl how long a token is valid
   */
  SignedFormTokens(String secret, Clock clock, Duration ttl) {
    byte[] bytes = new byte[32];
    if (secret == null || secret.isBlank()) {
      new SecureRandom().nextBytes(bytes);
    } else {
      bytes = secret.getBytes(StandardCharsets.UTF_8);
    }
    this.key = new SecretKeySpec(bytes, "HmacSHA256");
    this.clock = clock;
    this.ttl = ttl;
  }

  /** A new token for the user's form. */
  String issue(String userId) {
    String expiry = Long.toString(clock.instant().plus(ttl).getEpochSecond(), 36);
    String nonce = String.format("%016x", ThreadLocalRandom.current().nextLong());
    return PREFIX + expiry + "_" + nonce + "_" + sign(userId, expiry, nonce);
  }

  /**
   * Whether a token is of this kind (valid or not): anything but a token of the store's own shape.
   * The store's tokens use the same alphabet, so the shape, not a prefix, tells them apart.
   */
  boolean isSigned(String token) {
    return token != null && !OneTimeTokens.isWellFormed(token);
  }

  /** Whether a signed token was issued here for this user and has not expired. */
  boolean valid(String userId, String token) {
    if (!token.startsWith(PREFIX)) {
      return false;
    }
    String[] parts = token.substring(PREFIX.length()).split("_", 3);   // the signature may hold a _
    if (parts.length != 3) {
      return false;
    }
    long expiry;
    try {
      expiry = Long.parseLong(parts[0], 36);
    } catch (NumberFormatException e) {
      return false;
    }
    return clock.instant().getEpochSecond() < expiry && MessageDigest.isEqual(
        sign(userId, parts[0], parts[1]).getBytes(StandardCharsets.US_ASCII), parts[2].getBytes(StandardCharsets.US_ASCII));
  }

  private String sign(String userId, String expiry, String nonce) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      byte[] digest = mac.doFinal((userId + "\n" + expiry + "\n" + nonce).getBytes(StandardCharsets.UTF_8));
      return BASE64.encodeToString(digest).substring(0, 22);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
