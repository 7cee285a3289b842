package dev.idempotency.spi;

/**
 * What every backend store has in common.
 *
 * <h2>Rules for implementations</h2>
 * <ul>
 *   <li>Every method is one atomic step on the backend (a Lua script, one SQL statement, a
 *       {@code compute} on a concurrent map), never a read followed by a write.</li>
 *   <li>Expiry is decided by the backend's clock where it has one.</li>
 *   <li>Failures to reach the backend are thrown as
 *       {@link dev.idempotency.StoreUnavailableException}; the core wraps anything else that escapes
 *       in one too, but a backend that translates its own errors gives better messages.</li>
 *   <li>Implementations are thread-safe.</li>
 * </ul>
 */
public interface Store {
  /**
   * A short name for messages and logs, naming the backend and endpoint but never credentials.
   *
   * @return for example {@code "in-memory"} or {@code "redis 127.0.0.1:6379"}
   */
  String name();

  /**
   * The runner of the steps this store hands out (its {@code ...Step} methods), so that a caller
   * checks it before building a step's arguments; null (the default) if it hands out none.
   *
   * @return the runner, or null
   */
  default StepRunner stepRunner() {
    return null;
  }
}
