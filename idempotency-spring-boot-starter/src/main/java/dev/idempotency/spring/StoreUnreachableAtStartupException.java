package dev.idempotency.spring;

import dev.idempotency.StoreUnavailableException;
import java.util.List;

/**
 * The start-up check ({@code idempotency.startup-check}, on by default) could not reach the
 * backend's store: the application does not start, and Spring Boot prints which store, at which
 * address, and the properties that chose it. Turn the check off for an application that must start
 * without its store (Redis: each call then answers {@link StoreUnavailableException}, 503, until the
 * store is back).
 */
public final class StoreUnreachableAtStartupException extends StoreUnavailableException {
  private static final long serialVersionUID = 1L;

  /** The properties that chose the store and its address. */
  private final List<String> properties;

  /**
   * Creates the exception.
   *
   * @param store the store's name, with its address and without credentials
   * @param properties the properties that chose the store and its address
   * @param cause what the store's client said
   */
  public StoreUnreachableAtStartupException(String store, List<String> properties, Throwable cause) {
    super(store, "the start-up check", cause);
    this.properties = List.copyOf(properties);
  }

  /**
   * The properties that chose the store and its address, for example {@code spring.data.redis.url}.
   *
   * @return their names
   */
  public List<String> properties() {
    return properties;
  }
}
