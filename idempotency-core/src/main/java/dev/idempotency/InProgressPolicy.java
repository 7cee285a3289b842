package dev.idempotency;

import dev.idempotency.spi.support.Require;
import java.time.Duration;

/**
 * What a call does when it meets a first call with the same key that is still running.
 *
 * <p>Immutable and thread-safe.
 */
public final class InProgressPolicy {
  private static final InProgressPolicy REJECT = new InProgressPolicy(Duration.ZERO);

  private final Duration maxWait;

  private InProgressPolicy(Duration maxWait) {
    this.maxWait = maxWait;
  }

  /**
   * Fail at once with {@link RequestInProgressException} (HTTP 409); the client retries later.
   *
   * @return the policy
   */
  public static InProgressPolicy reject() {
    return REJECT;
  }

  /**
   * Wait up to {@code maxWait} for the first call and return its result (or re-throw its stored
   * terminal failure); if it fails and releases the key, this call claims the key and runs the
   * action itself. When the wait runs out, {@link RequestInProgressException}. The store is polled
   * with capped exponential backoff (5 ms up to 100 ms, jittered).
   *
   * @param maxWait the longest wait, positive, at most {@link Limits#MAX_WAIT}
   * @return the policy
   */
  public static InProgressPolicy await(Duration maxWait) {
    return new InProgressPolicy(Require.positive(Require.waitTime(maxWait, "maxWait"), "maxWait"));
  }

  /**
   * Whether this policy waits.
   *
   * @return true for {@link #await}
   */
  public boolean waits() {
    return !maxWait.isZero();
  }

  /**
   * The longest wait.
   *
   * @return zero for {@link #reject()}
   */
  public Duration maxWait() {
    return maxWait;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InProgressPolicy p && p.maxWait.equals(maxWait);
  }

  @Override
  public int hashCode() {
    return maxWait.hashCode();
  }

  @Override
  public String toString() {
    return waits() ? "await(" + maxWait + ")" : "reject";
  }
}
