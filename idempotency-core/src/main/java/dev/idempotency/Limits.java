package dev.idempotency;

import java.time.Duration;

/**
 * The documented maxima of every setting and argument the library checks. A value beyond one of
 * them is refused with {@link InvalidInputException} where it is set (a builder, an options record)
 * or at the call, before anything is sent to a store; so an absurd value can never overflow a
 * backend's arithmetic (a Redis {@code PEXPIRE}, a PostgreSQL interval, a MySQL {@code DATETIME})
 * halfway through a write and leave a record without an expiry.
 */
public final class Limits {
  /**
   * The longest lease, retention or TTL that a store keeps anything for: 3,650 days. Far beyond any
   * sensible retention (Stripe keeps keys 24 hours), and within every backend's range (MySQL's
   * {@code DATETIME} ends in the year 9999).
   */
  public static final Duration MAX_STORED_DURATION = Duration.ofDays(3650);

  /** The longest a caller may be made to wait (an awaited claim, a lock's wait) or a client timeout: 1 hour. */
  public static final Duration MAX_WAIT = Duration.ofHours(1);

  /**
   * The default largest result, in encoded bytes, that {@link CallOptions} let an idempotent call
   * store: 16 MiB. A store may allow less ({@link dev.idempotency.spi.IdempotencyStore#maxPayloadBytes()}): the
   * smaller limit wins.
   */
  public static final int DEFAULT_MAX_RESULT_BYTES = 16 * 1024 * 1024;

  private Limits() {}
}
