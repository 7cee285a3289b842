package dev.idempotency;

/**
 * Receives every outcome of every strategy: the hook for metrics (one counter per event and
 * namespace) and for audit logs.
 *
 * <p>Called synchronously on the caller's thread, after the outcome is decided; it must be fast,
 * thread-safe, and must not throw (an exception is logged and otherwise ignored).
 * {@link CountingListener} is a ready implementation.
 */
@FunctionalInterface
public interface IdempotencyListener {
  /** A listener that ignores everything. */
  IdempotencyListener NOOP = (event, namespace) -> { };

  /**
   * Reports one outcome.
   *
   * @param event what happened
   * @param namespace the namespace of the key, token scope, lock or state machine involved
   */
  void onEvent(IdempotencyEvent event, String namespace);
}
