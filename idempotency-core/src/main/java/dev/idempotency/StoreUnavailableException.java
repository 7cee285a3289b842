package dev.idempotency;

/**
 * The backend (Redis, the database, ...) could not be reached or did not answer in time.
 *
 * <p>Backends translate their driver's failures into this exception; the core wraps any other
 * unexpected runtime failure of a store in it too, so a raw driver exception never reaches the
 * caller. The message names the backend (never its credentials) and the operation.
 */
public class StoreUnavailableException extends IdempotencyException {
  private static final long serialVersionUID = 1L;

  /** The backend that failed. */
  private final String store;

  /**
   * Creates the exception.
   *
   * @param store the backend's name, as {@link dev.idempotency.spi.Store#name()} gives it
   * @param operation what was being done, for example {@code "claim"}
   * @param cause the driver's failure
   */
  public StoreUnavailableException(String store, String operation, Throwable cause) {
    super("store " + store + " unavailable during " + operation
        + (cause == null ? "" : ": " + cause.getClass().getSimpleName()
            + (cause.getMessage() == null ? "" : ": " + cause.getMessage())), cause);
    this.store = store;
  }

  /**
   * The name of the backend that failed.
   *
   * @return the store name, for example {@code "redis 127.0.0.1:6379"}
   */
  public String store() {
    return store;
  }

  /** {@inheritDoc} Service unavailable: 503. */
  @Override
  public int suggestedHttpStatus() {
    return 503;
  }
}
