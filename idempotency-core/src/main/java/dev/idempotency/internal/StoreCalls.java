package dev.idempotency.internal;

import dev.idempotency.IdempotencyException;
import dev.idempotency.StoreUnavailableException;
import java.util.function.Supplier;

/**
 * Runs one store operation and makes sure that no raw driver exception escapes: anything but an
 * {@link IdempotencyException} becomes a {@link StoreUnavailableException} naming the store and the
 * operation. Not part of the public API.
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
}
