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
 * Every form token is signed: {@code s<expiry>_<nonce><signature>}, the nonce (the token store's own
 * token, {@value OneTimeTokens#TOKEN_LENGTH} characters) and a 22-character HMAC-SHA256 of the user,
 * the expiry and the nonce. The signature proves, with no store, that this service issued the token
 * to this user and that it has not expired; the token store says whether it is the token's first use;
 * the database's unique key on (user, token) makes one order per token. So a token
 * survives whatever the store loses (a restart empty, an outage while the form was loaded, an attempt
 * that used it and died before its order was written). Thread-safe.
 */
final class SignedFormTokens {
  private static final String PREFIX = "s";
  private static final int SIGNATURE_LENGTH = 22;
  private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

  private final SecretKeySpec key;
  /** A MAC per thread, keyed once: every order checks a signature, and a MAC's look-up and init cost more than its use. */
  private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);
  private final Clock clock;
  private final Duration ttl;

  /**
   * @param secret the signing key's text; blank for a random key of this process (tokens then do not
   *     survive a restart, nor verify on another instance)
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

  /**
   * Signs a nonce for the user's form.
   *
   * @param userId the user
   * @param nonce the token store's token, or null when the store could not issue one (then a random
   *     one of the same shape, which the store does not hold)
   * @return the form's token
   */
  String issue(String userId, String nonce) {
    String n = nonce;
    if (n == null) {
      byte[] random = new byte[OneTimeTokens.TOKEN_BITS / 8];
      ThreadLocalRandom.current().nextBytes(random);   // unique, not secret: the signature is what is unguessable
      n = BASE64.encodeToString(random);
    }
    if (!OneTimeTokens.isWellFormed(n)) {
      throw new IllegalArgumentException("a nonce is a token of the store's shape");
    }
    String expiry = Long.toString(clock.instant().plus(ttl).getEpochSecond(), 36);
    return PREFIX + expiry + "_" + n + sign(userId, expiry, n);
  }

  /**
   * The nonce of a token this service issued to this user and that has not expired.
   *
   * @param userId the user who presents it
   * @param token the presented token
   * @return its nonce (the store's token), or null if it does not verify
   */
  String verifiedNonce(String userId, String token) {
    int tail = OneTimeTokens.TOKEN_LENGTH + SIGNATURE_LENGTH;
    if (token == null || !token.startsWith(PREFIX) || token.length() < PREFIX.length() + 2 + tail
        || token.charAt(token.length() - tail - 1) != '_') {
      return null;
    }
    String expiry = token.substring(PREFIX.length(), token.length() - tail - 1);
    String nonce = token.substring(token.length() - tail, token.length() - SIGNATURE_LENGTH);
    long expires;
    try {
      expires = Long.parseLong(expiry, 36);
    } catch (NumberFormatException e) {
      return null;
    }
    boolean valid = clock.instant().getEpochSecond() < expires && MessageDigest.isEqual(
        sign(userId, expiry, nonce).getBytes(StandardCharsets.US_ASCII),
        token.substring(token.length() - SIGNATURE_LENGTH).getBytes(StandardCharsets.US_ASCII));
    return valid ? nonce : null;
  }

  /**
   * The nonce part of a token, unverified (what the token store is asked about).
   *
   * @param token a token that {@link #verifiedNonce} accepted
   * @return its nonce
   */
  static String nonce(String token) {
    return token.substring(token.length() - OneTimeTokens.TOKEN_LENGTH - SIGNATURE_LENGTH,
        token.length() - SIGNATURE_LENGTH);
  }

  private String sign(String userId, String expiry, String nonce) {
    byte[] digest = macs.get().doFinal((userId + "\n" + expiry + "\n" + nonce).getBytes(StandardCharsets.UTF_8));
    return BASE64.encodeToString(digest).substring(0, SIGNATURE_LENGTH);
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
