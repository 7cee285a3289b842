package dev.idempotency.spi;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * The backend of fenced, re-entrant locks ({@link dev.idempotency.lock.DistributedLocks}). A lock
 * records its owner, a hold count and a fencing token; every step is atomic and owner-checked.
 */
public interface LockStore extends Store {
  /**
   * Acquires the lock for an owner if it is free or expired, or re-enters it if the owner holds it
   * (hold count + 1, lease reset, same fencing token).
   *
   * @param key the storage key
   * @param owner the owner's identity
   * @param lease how long the lock is held unless extended or released
   * @return the fencing token (greater than any earlier acquisition's of this key) if acquired or
   *     re-entered; empty if someone else holds it
   */
  OptionalLong tryAcquire(String key, String owner, Duration lease);

  /**
   * Releases one hold of the owner; the lock is free when the count reaches zero.
   *
   * @param key the storage key
   * @param owner the owner's identity
   * @return true if the owner held the lock; false (and nothing changed) otherwise
   */
  boolean release(String key, String owner);

  /**
   * Resets the lease of a lock the owner holds.
   *
   * @param key the storage key
   * @param owner the owner's identity
   * @param lease the new lease, from now
   * @return true if extended; false (and nothing changed) if the owner does not hold it
   */
  boolean extend(String key, String owner, Duration lease);

  /**
   * {@link #tryAcquire} as a step that its backend can run with others in one round trip, or null if
   * the backend has no {@link StepRunner} (the default).
   *
   * @param key the storage key
   * @param owner the owner's identity
   * @param lease how long the lock is held
   * @return the step, whose reply is {@link #tryAcquire}'s and passes when present; or null
   */
  default StoreStep<OptionalLong> tryAcquireStep(String key, String owner, Duration lease) {
    return null;
  }

  /**
   * {@link #release} as a step that its backend can run with others in one round trip (a layer's
   * lock released with the completion of the claim its action runs under), or null if the backend
   * has no {@link StepRunner} (the default). It always passes: a step after it still runs.
   *
   * @param key the storage key
   * @param owner the owner's identity
   * @return the step, whose reply is {@link #release}'s; or null
   */
  default StoreStep<Boolean> releaseStep(String key, String owner) {
    return null;
  }
}
