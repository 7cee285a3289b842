package dev.idempotency.annotation;

/** What an {@link Idempotent} method does when the first call with the same key still runs. */
public enum InProgress {
  /** The engine's default policy. */
  ENGINE_DEFAULT,
  /** Fail at once with {@link dev.idempotency.RequestInProgressException} (HTTP 409). */
  REJECT,
  /** Wait up to {@link Idempotent#maxWait()} for the first call's result. */
  AWAIT
}
