package dev.idempotency.lock;

import dev.idempotency.FencingToken;
import dev.idempotency.IdempotencyKey;
import java.time.Duration;

/**
 * A held lock. Release it with {@link #close()} (try-with-resources) or {@link #release()}.
 *
 * <p>Pass {@link #fencingToken()} to the writes made under the lock: a store that refuses a write
 * carrying a token older than the newest it has seen is safe even from a holder whose lease expired
 * mid-work. Thread-safe.
 */
public interface LockHandle extends AutoCloseable {
  /**
   * The locked key.
   *
   * @return the key
   */
  IdempotencyKey key();

  /**
   * The owner identity the lock is held under.
   *
   * @return the owner
   */
  String owner();

  /**
   * The fencing token of this acquisition: greater than that of every earlier acquisition of the key.
   * A re-entrant acquisition has the token of the hold it re-entered.
   *
   * @return the token
   */
  FencingToken fencingToken();

  /**
   * Resets the lease, if the lock is still held by this owner.
   *
   * @param lease the new lease, from now
   * @return true if extended; false if the lock was lost (expired and possibly taken)
   */
  boolean extend(Duration lease);

  /**
   * Whether the watchdog failed to renew the lease (the lock may now belong to someone else).
   *
   * @return true once a renewal failed
   */
  boolean isLost();

  /**
   * Releases this hold (and stops its watchdog). Only the owner's hold is released; if the lease
   * expired and someone else holds the lock now, nothing changes. Calling it again does nothing.
   *
   * @return true if this call released a hold the owner still had
   */
  boolean release();

  /** Same as {@link #release()}. */
  @Override
  void close();
}
