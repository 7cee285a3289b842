package dev.idempotency.internal;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Capped exponential backoff with full jitter, for bounded waits that poll a store (an awaited
 * claim, a contended lock) without hammering it. Not thread-safe: one instance per wait.
 */
public final class Backoff {
  private final long capNanos;
  private long nextNanos;

  /**
   * Creates a backoff.
   *
   * @param firstMillis the first pause's upper bound
   * @param capMillis the largest pause
   */
  public Backoff(long firstMillis, long capMillis) {
    this.nextNanos = firstMillis * 1_000_000L;
    this.capNanos = capMillis * 1_000_000L;
  }

  /**
   * Sleeps for the next pause, never past the deadline.
   *
   * @param deadlineNanos the deadline on {@link System#nanoTime()}'s scale
   * @return false if the deadline has passed (nothing slept), true otherwise
   * @throws InterruptedException if interrupted while sleeping
   */
  public boolean pause(long deadlineNanos) throws InterruptedException {
    long remaining = deadlineNanos - System.nanoTime();
    if (remaining <= 0) {
      return false;
    }
    // Full jitter between half the step and the step: waiters spread out instead of polling in lockstep.
    long step = nextNanos / 2 + ThreadLocalRandom.current().nextLong(nextNanos / 2 + 1);
    nextNanos = Math.min(capNanos, nextNanos * 2);
    long sleep = Math.min(step, remaining);
    Thread.sleep(sleep / 1_000_000L, (int) (sleep % 1_000_000L));
    return true;
  }
}
