package dev.idempotency.defence;

/** What a layered defence does when a layer's store cannot be reached. */
public enum FailurePolicy {
  /** The call fails with {@link dev.idempotency.StoreUnavailableException}. */
  FAIL_CLOSED,
  /** The layer is skipped (logged and reported as {@code LAYER_SKIPPED}); the next layer decides. */
  SKIP
}
