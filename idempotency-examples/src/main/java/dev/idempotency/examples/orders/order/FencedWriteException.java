package dev.idempotency.examples.orders.order;

/**
 * The database refused a write under a lock because a later lock holder already wrote: this writer's
 * lease ran out while it was paused. Its transaction rolls back; the client gets 409 and retries.
 */
public final class FencedWriteException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  FencedWriteException(String message) {
    super(message);
  }
}
