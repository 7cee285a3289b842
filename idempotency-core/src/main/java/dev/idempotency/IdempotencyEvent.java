package dev.idempotency;

/**
 * Every outcome the strategies report to an {@link IdempotencyListener}, one constant each, so that a
 * metrics adapter can keep one counter per constant and namespace.
 */
public enum IdempotencyEvent {
  /** An idempotent call ran its action and stored the result. */
  EXECUTED,
  /** An idempotent call returned a stored result without running the action. */
  REPLAYED,
  /** An idempotent call met a first call still in progress (rejected, or its wait ran out). */
  IN_PROGRESS,
  /** An idempotent call presented a key with another request's fingerprint. */
  KEY_REUSED,
  /** An idempotent call's action failed and the claim was released so that a retry can run. */
  RELEASED_AFTER_FAILURE,
  /**
   * An idempotent call's action returned a result its caller chose not to keep (for example an HTTP
   * 5xx response): the result was answered and the claim released so that a retry runs again.
   */
  RELEASED_UNKEPT,
  /** An idempotent call's action failed with a terminal exception, which was stored for replay. */
  FAILURE_STORED,
  /** An idempotent call's claim expired before it completed; its result was refused. */
  CLAIM_LOST,
  /**
   * The action ran but its result could not be stored: the store failed at completion, and kept
   * failing through every retry within the lease. Duplicates see the call in progress until the
   * lease ends; after that, a duplicate may run the action again.
   */
  COMPLETION_FAILED,
  /** Storing a result failed once and is being retried within the lease (the fencing token makes a repeat safe). */
  COMPLETION_RETRIED,
  /**
   * The action ran but its result can never be stored (the codec refused it, it is too large, the
   * store rejected it): the key was completed with a marker that duplicates get as
   * {@link ResultNotStoredException}, so the action does not run again.
   */
  RESULT_NOT_STORED,
  /** A store could not be reached. */
  STORE_UNAVAILABLE,
  /** A one-time token was issued. */
  TOKEN_ISSUED,
  /** A one-time token was consumed. */
  TOKEN_CONSUMED,
  /** A token was presented that was not valid (unknown, expired, used, or of another scope). */
  TOKEN_REJECTED,
  /** A lock was acquired (or re-entered). */
  LOCK_ACQUIRED,
  /** A lock was held by someone else and was not acquired within the wait. */
  LOCK_CONTENDED,
  /** A lock's watchdog could not renew the lease: the owner no longer holds the lock. */
  LOCK_RENEWAL_FAILED,
  /** A dedup mark was set for the first time. */
  DEDUP_FIRST,
  /** A dedup mark existed already: a duplicate. */
  DEDUP_DUPLICATE,
  /** A state transition was applied. */
  TRANSITION_APPLIED,
  /** A state transition had been applied already: a repeat. */
  TRANSITION_ALREADY_APPLIED,
  /** A state transition was not allowed from the current state (or the version was stale). */
  TRANSITION_REJECTED,
  /** A layer of a layered defence failed and was skipped under its SKIP policy. */
  LAYER_SKIPPED
}
