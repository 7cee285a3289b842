package dev.idempotency.spi;

import java.time.Duration;

/**
 * The backend of one-time tokens ({@link dev.idempotency.token.OneTimeTokens}). Keys are opaque:
 * the core passes a hash of scope and token, never the token itself.
 */
public interface TokenStore extends Store {
  /**
   * Stores a token if the key is free.
   *
   * @param key the storage key
   * @param ttl how long the token stays valid
   * @return true if stored, false if the key exists already
   */
  boolean put(String key, Duration ttl);

  /**
   * Consumes a token in one atomic step: removes it and reports whether it was there and live.
   * Of any number of concurrent callers, at most one gets true.
   *
   * @param key the storage key
   * @return true for exactly one caller of a live token; false otherwise
   */
  boolean consume(String key);
}
