package dev.idempotency.examples.orders.async;

/**
 * Where a fault can strike the at-least-once path, for the demo and the fault tests: a producer that
 * publishes a message again, a consumer paused inside its transaction, a consumer that dies after its
 * commit and before its acknowledgement (the worst moment). The service wires {@link #NONE} unless a
 * bean of this type exists (the demo provides one). Implementations are thread-safe.
 */
public interface DeliveryFaults {
  /** No faults: each message published once, no pause, no kill. */
  DeliveryFaults NONE = new DeliveryFaults() {};

  /** @return how many times each message is published (1 is normal) */
  default int copies() {
    return 1;
  }

  /** Called by a handler inside its transaction, after the dedup row and before its writes. */
  default void insideTransaction() {}

  /**
   * Called after a delivery's transaction committed and before it is acknowledged.
   *
   * @param m the message
   * @throws OrderQueue.ConsumerKilled to act out a consumer that dies there
   */
  default void afterCommit(QueueMessage m) {}
}
