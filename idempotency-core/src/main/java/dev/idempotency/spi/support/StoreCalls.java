package dev.idempotency.spi.support;

import dev.idempotency.IdempotencyEvent;
import dev.idempotency.IdempotencyException;
import dev.idempotency.IdempotencyListener;
import dev.idempotency.StoreUnavailableException;
import java.util.function.Supplier;

/**
 * Runs one store operation and makes sure that no raw driver exception escapes: anything but an
 * {@link IdempotencyException} becomes a {@link StoreUnavailableException} naming the store and the
 * operation. Every store call a backend makes should go through here (or translate as it does), so
 * that callers see only the library's exception root. Thread-safe; stateless.
 */
public final class StoreCalls {
  private StoreCalls() {}

  /**
   * Calls the store.
   *
   * @param <R> the result type
   * @param store the store's name
   * @param operation the operation, for the message
   * @param call the call
   * @return the call's result
   */
  public static <R> R call(String store, String operation, Supplier<R> call) {
    try {
      return call.get();
    } catch (IdempotencyException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new StoreUnavailableException(store, operation, e);
    }
  }

  /**
   * Calls the store and reports {@link IdempotencyEvent#STORE_UNAVAILABLE} to the listener when it
   * cannot be reached.
   *
   * @param <R> the result type
   * @param store the store's name
   * @param operation the operation, for the message
   * @param listener the listener to report to
   * @param namespace the namespace of the key involved
   * @param call the call
   * @return the call's result
   */
  public static <R> R call(String store, String operation, IdempotencyListener listener, String namespace,
      Supplier<R> call) {
    try {
      return call(store, operation, call);
    } catch (StoreUnavailableException e) {
      Listeners.report(listener, IdempotencyEvent.STORE_UNAVAILABLE, namespace);
      throw e;
    }
  }
}
