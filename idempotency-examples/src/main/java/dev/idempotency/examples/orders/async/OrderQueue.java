package dev.idempotency.examples.orders.async;

/**
 * The queue between the async endpoints and {@link OrderConsumer}: at-least-once, so a message may
 * arrive more than once and the consumer deduplicates. Implementations: {@link InProcessQueue}
 * (embedded) and {@link RabbitQueue} (RabbitMQ); both publish each message as many times as
 * {@link DeliveryFaults#copies()} says (once, unless the demo injects a producer's retry).
 */
public interface OrderQueue {
  /**
   * Sends a message (more than once if {@link DeliveryFaults#copies()} says so, as a producer's
   * retry after a lost acknowledgement would).
   *
   * @param message the message
   */
  void publish(QueueMessage message);

  /** @return messages that went to the dead-letter queue since start */
  long deadLettered();

  /** Thrown by a handler to act out a consumer that dies mid-message: no ack, no nack. */
  final class ConsumerKilled extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what was killed, and when */
    public ConsumerKilled(String message) {
      super(message, null, false, false);
    }
  }
}
