package dev.idempotency.testkit;

import dev.idempotency.TimeSource;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link TimeSource} that only moves when told to ({@link #advance}), for backends whose expiry is
 * the application's (the in-memory one): a test expires a lease without waiting for it.
 * {@link #sleep} still sleeps for real and does not move this time, so a wait measured on it lasts
 * until a test advances it. Thread-safe.
 */
public final class ManualTime implements TimeSource {
  private final AtomicLong nanos = new AtomicLong();

  /** A time source at an arbitrary origin. */
  public ManualTime() {}

  @Override
  public long nanoTime() {
    return nanos.get();
  }

  @Override
  public void sleep(long nanos) throws InterruptedException {
    TimeSource.system().sleep(nanos);
  }

  /**
   * Moves time forward.
   *
   * @param d how far
   */
  public void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }
}
