package dev.idempotency.examples.orders;

/**
 * The queue between the async endpoints and {@link OrderConsumer}: at-least-once, so a message may
 * arrive more than once and the consumer deduplicates. Implementations: {@link InProcessQueue}
 * (embedded) and {@link RabbitQueue} (RabbitMQ).
 */
public interface OrderQueue {
  /**
   * Sends a message; with {@link Chaos#copies()} above 1, sends it that many times, as a producer's
   * retry after a lost acknowledgement would.
   *
   * @param message the message
   */
  void publish(QueueMessage message);

  /** @return messages that went to the dead-letter queue since start */
  long deadLettered();

  /** Thrown by a handler to act out a consumer that dies mid-message: no ack, no nack. */
  final class ConsumerKilled extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ConsumerKilled(String message) {
      super(message, null, false, false);
    }
  }
}
