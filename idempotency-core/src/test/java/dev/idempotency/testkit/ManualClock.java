package dev.idempotency.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A clock that moves only when told to: tests advance time instead of sleeping. Thread-safe. */
public final class ManualClock extends Clock {
  private final AtomicReference<Instant> now;

  /** A clock at a fixed, arbitrary instant. */
  public ManualClock() {
    this(Instant.parse("2030-01-01T00:00:00Z"));
  }

  /**
   * A clock at a given instant.
   *
   * @param start the instant
   */
  public ManualClock(Instant start) {
    this.now = new AtomicReference<>(start);
  }

  /**
   * Moves the clock forward.
   *
   * @param d how far
   */
  public void advance(Duration d) {
    now.updateAndGet(i -> i.plus(d));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("ManualClock is UTC only");
  }
}
