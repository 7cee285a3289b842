package dev.idempotency;

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
}
