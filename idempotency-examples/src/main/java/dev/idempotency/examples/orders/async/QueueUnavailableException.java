package dev.idempotency.examples.orders.async;

/**
 * The queue did not take a message (the broker is down, or did not confirm in time): the request is
 * settled as failed, never left pending, and the web layer answers 503 with {@code Retry-After}.
 */
public final class QueueUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  QueueUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
