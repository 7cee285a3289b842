package dev.idempotency.internal;

import dev.idempotency.TimeSource;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The one bounded polling loop of the library (an awaited claim, a contended lock, a completion
 * retried within its lease): attempt, and while the attempt has no answer, pause with capped
 * exponential backoff and full jitter, never past the deadline, so that waiters spread out instead
 * of polling a store in lockstep.
 */
public final class Polling {
  private Polling() {}

  /**
   * Attempts until an attempt answers or the deadline passes. The first attempt is always made.
   *
   * @param <R> the answer's type
   * @param time the time source that measures and sleeps
   * @param deadlineNanos the deadline on the time source's scale
   * @param firstMillis the first pause's upper bound
   * @param capMillis the longest pause
   * @param attempt one attempt: an answer, or empty to try again; what it throws ends the loop
   * @return the answer, or empty if the deadline passed first
   * @throws InterruptedException if interrupted while pausing
   */
  public static <R> Optional<R> poll(TimeSource time, long deadlineNanos, long firstMillis, long capMillis,
      Supplier<Optional<R>> attempt) throws InterruptedException {
    long step = firstMillis * 1_000_000L;
    long cap = capMillis * 1_000_000L;
    while (true) {
      Optional<R> answer = attempt.get();
      if (answer.isPresent()) {
        return answer;
      }
      long remaining = deadlineNanos - time.nanoTime();
      if (remaining <= 0) {
        return Optional.empty();
      }
      // Full jitter between half the step and the step.
      long pause = step / 2 + ThreadLocalRandom.current().nextLong(step / 2 + 1);
      step = Math.min(cap, step * 2);
      time.sleep(Math.min(pause, remaining));
    }
  }
}
