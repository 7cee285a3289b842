package dev.idempotency.ratelimit;

import java.time.Duration;

/**
 * The answer to {@link RateLimiter#tryAcquire}.
 *
 * @param allowed whether the permits were granted
 * @param retryAfter zero when allowed; otherwise how long until every tier would grant them
 */
public record RateLimitDecision(boolean allowed, Duration retryAfter) {
  static final RateLimitDecision ALLOWED = new RateLimitDecision(true, Duration.ZERO);

  /**
   * The value of an HTTP {@code Retry-After} header: whole seconds, rounded up, at least 1 when
   * refused.
   *
   * @return seconds, 0 when allowed
   */
  public long retryAfterSeconds() {
    if (allowed) {
      return 0;
    }
    long s = retryAfter.getSeconds() + (retryAfter.getNano() > 0 ? 1 : 0);
    return Math.max(1, s);
  }
}
