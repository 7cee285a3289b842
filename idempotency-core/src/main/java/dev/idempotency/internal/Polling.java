package dev.idempotency.internal;

import dev.idempotency.TimeSource;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The one bounded polling loop of the library (an awaited claim, a contended lock, a completion
 * retried within its lease): attempt, and while the attempt has no answer, pause with capped
 * exponential backoff and full jitter, never past the deadline, so that waiters spread out instead
 * of polling a store in lockstep.
 */
public final class Polling {
  /**
   * The longest wait for a wake-up before attempting again anyway: an event of this process that
   * never comes (its owner hangs past its lease, and another process takes over) costs at most one
   * attempt a second.
   */
  static final long WAKE_UP_CAP_NANOS = 1_000_000_000L;

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
    return poll(time, deadlineNanos, firstMillis, capMillis, attempt, () -> null);
  }

  /**
   * As {@link #poll(TimeSource, long, long, long, Supplier)}, except that after an
   * attempt without an answer, if {@code wakeUp} names an event, the loop waits for that event
   * (at most a second, never past the deadline) instead of pausing, and attempts again
   * at once when it happens: a duplicate whose owner runs in this process is woken by it rather
   * than polling the store.
   *
   * @param <R> the answer's type
   * @param time the time source that measures and sleeps
   * @param deadlineNanos the deadline on the time source's scale
   * @param firstMillis the first pause's upper bound
   * @param capMillis the longest pause
   * @param attempt one attempt: an answer, or empty to try again; what it throws ends the loop
   * @param wakeUp after an attempt, the event to wait for, or null to pause with backoff
   * @return the answer, or empty if the deadline passed first
   * @throws InterruptedException if interrupted while pausing
   */
  public static <R> Optional<R> poll(TimeSource time, long deadlineNanos, long firstMillis, long capMillis,
      Supplier<Optional<R>> attempt, Supplier<Future<?>> wakeUp) throws InterruptedException {
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
      Future<?> event = wakeUp.get();
      if (event != null) {
        time.await(event, Math.min(WAKE_UP_CAP_NANOS, remaining));
        continue;
      }
      // Full jitter between half the step and the step.
      long pause = step / 2 + ThreadLocalRandom.current().nextLong(step / 2 + 1);
      step = Math.min(cap, step * 2);
      time.sleep(Math.min(pause, remaining));
    }
  }
}
