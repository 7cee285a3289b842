package dev.idempotency.ratelimit;

import dev.idempotency.InvalidInputException;
import dev.idempotency.Limits;
import dev.idempotency.spi.support.Require;
import java.time.Duration;

/**
 * One tier of a rate limit: at most {@code permits} per {@code period}, as a burst of up to
 * {@code permits} at once, after which one permit comes back every {@code period / permits}.
 *
 * @param permits 1 to 1,000,000,000
 * @param period at least 1 ms, at most {@link Limits#MAX_STORED_DURATION}, and at least one
 *     microsecond per permit
 */
public record RateLimit(long permits, Duration period) {

  /**
   * Validates the tier.
   *
   * @param permits 1 to 1,000,000,000
   * @param period at least 1 ms and one microsecond per permit
   * @throws InvalidInputException if it is malformed
   */
  public RateLimit {
    Require.argument(permits > 0 && permits <= 1_000_000_000L, "permits",
        "must be 1 to 1000000000, was " + permits);
    Require.storedDuration(period, "period");
    Require.argument(period.toMillis() >= 1, "period", "must be at least 1 ms, was " + period);
    Require.argument(micros(period) / permits >= 1, "period",
        "must allow at least one microsecond per permit (" + permits + " per " + period + ")");
  }

  /**
   * A tier of {@code permits} per {@code period}.
   *
   * @param permits how many
   * @param period per how long
   * @return the tier
   * @throws InvalidInputException if it is malformed
   */
  public static RateLimit of(long permits, Duration period) {
    return new RateLimit(permits, period);
  }

  /**
   * The time one permit stands for, in microseconds: the period divided by the permits, rounded
   * down.
   *
   * @return microseconds, at least 1
   */
  public long intervalMicros() {
    return micros(period) / permits;
  }

  private static long micros(Duration d) {
    return d.getSeconds() * 1_000_000L + d.getNano() / 1_000;
  }
}
