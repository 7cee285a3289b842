package dev.idempotency;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The application's time: a monotonic nanosecond reading and a way to wait. Everything in the
 * library that measures or waits in the application (leases and deadlines in
 * {@link IdempotencyEngine}, waits and watchdogs of {@link dev.idempotency.lock.DistributedLocks},
 * expiry in the in-memory backend) reads it through this interface, so a test can inject a manual
 * one. Time on a server backend is the server's and is not affected.
 *
 * <p>Implementations are thread-safe.
 */
public interface TimeSource {

  /**
   * A monotonic reading in nanoseconds, as {@link System#nanoTime()}: only differences mean
   * anything.
   *
   * @return nanoseconds
   */
  long nanoTime();

  /**
   * Waits for a while. A manual time source may advance itself instead.
   *
   * @param nanos how long, in nanoseconds; nothing happens if not positive
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  void sleep(long nanos) throws InterruptedException;

  /**
   * Waits until an event happens or a while has passed, whichever comes first; a duplicate waiting
   * for a call in progress in this process is woken this way when the call ends. The default sleeps
   * on {@link #sleep(long)} in slices of at most a millisecond, reading {@link #nanoTime()}, so a
   * manual time source that advances itself when sleeping keeps working; the system's time waits
   * on the event itself.
   *
   * @param event the event; waiting ends when it completes, normally or not
   * @param nanos the longest wait, in nanoseconds; nothing happens if not positive
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  default void await(Future<?> event, long nanos) throws InterruptedException {
    long end = nanoTime() + nanos;
    for (long left = nanos; left > 0 && !event.isDone(); left = end - nanoTime()) {
      sleep(Math.min(left, 1_000_000L));
    }
  }

  /**
   * The system's time: {@link System#nanoTime()} and {@link Thread#sleep(long, int)}.
   *
   * @return the shared instance
   */
  static TimeSource system() {
    return SystemTime.INSTANCE;
  }
}

/** The system's monotonic clock. */
enum SystemTime implements TimeSource {
  INSTANCE;

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public void sleep(long nanos) throws InterruptedException {
    if (nanos > 0) {
      Thread.sleep(nanos / 1_000_000L, (int) (nanos % 1_000_000L));
    }
  }

  @Override
  public void await(Future<?> event, long nanos) throws InterruptedException {
    if (nanos <= 0) {
      return;
    }
    try {
      event.get(nanos, TimeUnit.NANOSECONDS);
    } catch (ExecutionException | CancellationException | TimeoutException e) {
      // Ended, or the wait is over: either way the caller looks again.
    }
  }
}
