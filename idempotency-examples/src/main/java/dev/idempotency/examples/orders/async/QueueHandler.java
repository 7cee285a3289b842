package dev.idempotency.examples.orders.async;

/**
 * What a kind of queued request does when its message is delivered ({@code async} orders here, flash
 * sales in {@code flashsale}); {@link OrderConsumer} picks the handler by the message's kind.
 * Implementations are thread-safe.
 */
public interface QueueHandler {
  /** How one delivery ended. */
  enum Outcome {
    /** The order was written. */
    CREATED,
    /** An earlier delivery of the same message was processed: nothing changed. */
    ALREADY_PROCESSED,
    /** The buyer already has this product's order. */
    ALREADY_BOUGHT,
    /** No stock left in the database. */
    SOLD_OUT
  }

  /** @return the message kind handled ({@link QueueMessage#kind()}) */
  String kind();

  /**
   * Processes one delivery in one transaction, deduplicated by the request id.
   *
   * @param m the message
   * @param delivery its delivery count, from 1
   * @return how it ended
   * @throws RuntimeException to have it delivered again
   */
  Outcome handle(QueueMessage m, int delivery);

  /**
   * After the delivery's transaction committed (and before the acknowledgement): settles what lives
   * outside the database, idempotently, since a redelivery calls it again.
   *
   * @param m the message
   * @param outcome how the delivery ended
   */
  default void afterCommit(QueueMessage m, Outcome outcome) {}

  /**
   * The message was delivered too often and went to the dead-letter queue.
   *
   * @param m the message
   */
  default void deadLettered(QueueMessage m) {}
}
