package dev.idempotency.optimistic;

import dev.idempotency.InvalidInputException;
import dev.idempotency.Limits;
import dev.idempotency.TimeSource;
import dev.idempotency.spi.support.Require;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Optimistic concurrency with bounded retries: read a row and its version, compute, write only if
 * the version is still the one read ({@code UPDATE ... SET ..., version = version + 1 WHERE id = ?
 * AND version = ?}), and on a conflict start over after a jittered backoff.
 *
 * <pre>{@code
 * OptimisticRetry retry = OptimisticRetry.builder().maxAttempts(5).build();
 * OptimisticRetry.Result<Long> r = retry.run(() -> {
 *   Row row = readStock(42L);                             // stock and version
 *   if (row.stock() == 0) {
 *     return OptimisticRetry.Attempt.done(0L);             // nothing to write: finished
 *   }
 *   boolean written = update(42L, row.stock() - 1, row.version());   // WHERE version = ?
 *   return written ? OptimisticRetry.Attempt.done(row.stock() - 1) : OptimisticRetry.Attempt.conflict();
 * });
 * if (!r.succeeded()) { ... }                               // every attempt lost: busy, 409 or 429
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>At most {@link Builder#maxAttempts} attempts; between them a full-jitter exponential backoff
 *       (a random wait up to {@code min(maxBackoff, minBackoff * 2^(attempt-1))}) on the injected
 *       {@link TimeSource}, so racers spread out instead of colliding again.</li>
 *   <li>The result reports how many attempts ran, for metrics and logs.</li>
 *   <li>The check is on a version that only grows, never on the value: a value changed and changed
 *       back (ABA) still moved the version, so the stale write is refused.</li>
 *   <li>An exception thrown by an attempt ends the run and propagates unchanged. An interrupt
 *       during a backoff ends the run as not succeeded, with the interrupt flag kept.</li>
 * </ul>
 * Thread-safe; share one per kind of update.
 */
public final class OptimisticRetry {
  private final int maxAttempts;
  private final long minBackoffNanos;
  private final long maxBackoffNanos;
  private final TimeSource time;

  private OptimisticRetry(Builder b) {
    this.maxAttempts = b.maxAttempts;
    this.minBackoffNanos = b.minBackoff.toNanos();
    this.maxBackoffNanos = b.maxBackoff.toNanos();
    this.time = b.time;
  }

  /**
   * Starts building a retry policy. Defaults: 5 attempts, backoff from 5 ms up to 200 ms.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * What one attempt ended with.
   *
   * @param <T> the result type
   * @param written true if the conditional write went through (or nothing needed writing)
   * @param value the result when written
   */
  public record Attempt<T>(boolean written, T value) {
    /**
     * The attempt finished: its write went through, or nothing needed writing.
     *
     * @param <T> the result type
     * @param value the result
     * @return the attempt
     */
    public static <T> Attempt<T> done(T value) {
      return new Attempt<>(true, value);
    }

    /**
     * The version changed since it was read: try again.
     *
     * @param <T> the result type
     * @return the attempt
     */
    public static <T> Attempt<T> conflict() {
      return new Attempt<>(false, null);
    }
  }

  /**
   * The result of a run.
   *
   * @param <T> the result type
   * @param succeeded whether an attempt finished
   * @param value its result, null if none finished
   * @param attempts how many attempts ran, 1 to the maximum
   */
  public record Result<T>(boolean succeeded, T value, int attempts) {}

  /**
   * One read-compute-write attempt.
   *
   * @param <T> the result type
   * @param <X> the exception it may throw
   */
  @FunctionalInterface
  public interface Work<T, X extends Exception> {
    /**
     * Reads, computes and writes conditionally on the version read.
     *
     * @return done, or conflict
     * @throws X a failure, which ends the run
     */
    Attempt<T> attempt() throws X;
  }

  /**
   * Runs attempts until one finishes or the attempts run out.
   *
   * @param <T> the result type
   * @param <X> the exception an attempt may throw
   * @param work one attempt
   * @return the result and how many attempts ran
   * @throws X an attempt's failure, unchanged
   * @throws InvalidInputException if an attempt returns null
   */
  public <T, X extends Exception> Result<T> run(Work<T, X> work) throws X {
    Require.nonNull(work, "work");
    for (int attempt = 1; ; attempt++) {
      Attempt<T> a = work.attempt();
      Require.argument(a != null, "work", "returned null; return Attempt.done(value) or Attempt.conflict()");
      if (a.written()) {
        return new Result<>(true, a.value(), attempt);
      }
      if (attempt >= maxAttempts) {
        return new Result<>(false, null, attempt);
      }
      long cap = Math.min(maxBackoffNanos, minBackoffNanos << Math.min(30, attempt - 1));
      try {
        time.sleep(ThreadLocalRandom.current().nextLong(cap + 1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Result<>(false, null, attempt);
      }
    }
  }

  /** Configures an {@link OptimisticRetry}; not thread-safe. */
  public static final class Builder {
    private int maxAttempts = 5;
    private Duration minBackoff = Duration.ofMillis(5);
    private Duration maxBackoff = Duration.ofMillis(200);
    private TimeSource time = TimeSource.system();

    private Builder() {}

    /**
     * Sets the most attempts, the first included.
     *
     * @param attempts 1 to 100
     * @return this builder
     */
    public Builder maxAttempts(int attempts) {
      Require.argument(attempts >= 1 && attempts <= 100, "maxAttempts", "must be 1 to 100, was " + attempts);
      this.maxAttempts = attempts;
      return this;
    }

    /**
     * Sets the backoff bounds.
     *
     * @param min the cap of the first backoff, not negative
     * @param max the largest cap, at least {@code min}, at most {@link Limits#MAX_WAIT}
     * @return this builder
     */
    public Builder backoff(Duration min, Duration max) {
      Require.notNegative(Require.waitTime(min, "minBackoff"), "minBackoff");
      Require.notNegative(Require.waitTime(max, "maxBackoff"), "maxBackoff");
      Require.argument(max.compareTo(min) >= 0, "maxBackoff", "must be at least minBackoff");
      this.minBackoff = min;
      this.maxBackoff = max;
      return this;
    }

    /**
     * Sets the time source backoffs sleep on.
     *
     * @param time the time source
     * @return this builder
     */
    public Builder timeSource(TimeSource time) {
      this.time = Require.nonNull(time, "timeSource");
      return this;
    }

    /**
     * Builds the policy.
     *
     * @return the policy
     */
    public OptimisticRetry build() {
      return new OptimisticRetry(this);
    }
  }
}
