package dev.idempotency.lock;

import dev.idempotency.spi.support.Require;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * How a lock is acquired and held. Immutable and validated when built; thread-safe.
 *
 * <ul>
 *   <li><b>lease</b> (default 30 s): how long the lock is held unless released, extended or renewed
 *       by the watchdog; decided by the backend's clock.</li>
 *   <li><b>maxWait</b> (default zero): how long {@link DistributedLocks#tryLock} waits for a held lock;
 *       zero tries once.</li>
 *   <li><b>watchdog</b> (default off): renew the lease every third of it while the lock is held;
 *       {@code onRenewalFailure} (and the listener) hear of a renewal that failed, after which
 *       {@link LockHandle#isLost()} is true.</li>
 *   <li><b>owner</b> (default: this {@link DistributedLocks} instance and the current thread): who
 *       holds the lock; the same owner re-enters it.</li>
 * </ul>
 *
 * @param lease how long the lock is held
 * @param maxWait how long to wait for it
 * @param watchdog whether to renew the lease while held
 * @param owner the owner's identity, or null for the calling thread
 * @param onRenewalFailure called once when the watchdog loses the lock, or null
 */
public record LockOptions(Duration lease, Duration maxWait, boolean watchdog, String owner,
    Consumer<LockHandle> onRenewalFailure) {

  /** The defaults: 30 s lease, no wait, no watchdog, thread ownership. */
  public static final LockOptions DEFAULTS = builder().build();

  /** The longest owner identity accepted. */
  public static final int MAX_OWNER_LENGTH = 128;

  /**
   * Validates the options.
   *
   * @param lease positive, at most {@link dev.idempotency.Limits#MAX_STORED_DURATION}
   * @param maxWait zero or positive, at most {@link dev.idempotency.Limits#MAX_WAIT}
   * @param watchdog whether to renew
   * @param owner null, or 1 to {@value #MAX_OWNER_LENGTH} characters without control characters
   * @param onRenewalFailure callback, or null
   */
  public LockOptions {
    Require.storedDuration(lease, "lease");
    Require.waitTime(maxWait, "maxWait");
    if (owner != null) {
      Require.keyText(owner, "owner", MAX_OWNER_LENGTH);
    }
  }

  /**
   * A builder starting from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link LockOptions}; not thread-safe. */
  public static final class Builder {
    private Duration lease = Duration.ofSeconds(30);
    private Duration maxWait = Duration.ZERO;
    private boolean watchdog;
    private String owner;
    private Consumer<LockHandle> onRenewalFailure;

    private Builder() {}

    /**
     * Sets the lease.
     *
     * @param lease positive, at most {@link dev.idempotency.Limits#MAX_STORED_DURATION}
     * @return this builder
     */
    public Builder lease(Duration lease) {
      this.lease = Require.storedDuration(lease, "lease");
      return this;
    }

    /**
     * Sets how long to wait for a held lock.
     *
     * @param maxWait zero or positive, at most {@link dev.idempotency.Limits#MAX_WAIT}
     * @return this builder
     */
    public Builder maxWait(Duration maxWait) {
      this.maxWait = Require.waitTime(maxWait, "maxWait");
      return this;
    }

    /**
     * Renews the lease while the lock is held, every third of the lease.
     *
     * @param onRenewalFailure called once, or null, when the lock is lost: the store answered that
     *     this owner no longer holds it, or no renewal succeeded in time. In the second case the call
     *     comes while the lease last secured (counted from when its renewal was sent) still holds,
     *     at least a tenth of the lease before it ends and another owner can take the lock, however
     *     long a renewal call hangs on a frozen or partitioned server
     * @return this builder
     */
    public Builder watchdog(Consumer<LockHandle> onRenewalFailure) {
      this.watchdog = true;
      this.onRenewalFailure = onRenewalFailure;
      return this;
    }

    /**
     * Sets an explicit owner (for ownership that spans threads, such as a job id).
     *
     * @param owner the owner's identity
     * @return this builder
     */
    public Builder owner(String owner) {
      this.owner = Require.keyText(owner, "owner", MAX_OWNER_LENGTH);
      return this;
    }

    /**
     * Builds the options.
     *
     * @return immutable options
     */
    public LockOptions build() {
      return new LockOptions(lease, maxWait, watchdog, owner, onRenewalFailure);
    }
  }
}
