package dev.idempotency.examples.orders.async;

import dev.idempotency.examples.orders.LayerStats;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Processes queued requests at least once and makes each exactly one order: each kind's
 * {@link QueueHandler} writes its dedup row in the order's own transaction, which turns every
 * redelivery into a no-op, then settles what lives outside the database. Thread-safe.
 */
public final class OrderConsumer {
  private final Map<String, QueueHandler> handlers;
  private final LayerStats stats;
  private final DeliveryFaults faults;

  /**
   * @param handlers one per message kind
   * @param stats where the queue's decisions are counted
   * @param faults where the fault tests strike ({@link DeliveryFaults#NONE} in service)
   */
  public OrderConsumer(List<QueueHandler> handlers, LayerStats stats, DeliveryFaults faults) {
    this.handlers = handlers.stream().collect(Collectors.toUnmodifiableMap(QueueHandler::kind, Function.identity()));
    this.stats = stats;
    this.faults = faults;
  }

  /**
   * Handles one delivery.
   *
   * @param m the message
   * @param delivery its delivery count, from 1
   * @throws RuntimeException to have it delivered again
   */
  void handle(QueueMessage m, int delivery) {
    QueueHandler handler = handler(m);
    QueueHandler.Outcome outcome;
    try {
      outcome = handler.handle(m, delivery);
    } catch (RuntimeException e) {
      stats.error("queue-dedup");
      throw e;
    }
    switch (outcome) {
      case CREATED -> stats.passed("queue-dedup");
      case ALREADY_PROCESSED -> stats.stopped("queue-dedup", "DUPLICATE");
      default -> stats.stopped("database", outcome.name());
    }
    faults.afterCommit(m);
    handler.afterCommit(m, outcome);
  }

  /** A message delivered too often: its handler fails the request and gives back what it held. */
  void deadLettered(QueueMessage m) {
    stats.stopped("queue-dedup", "DEAD_LETTERED");
    handler(m).deadLettered(m);
  }

  private QueueHandler handler(QueueMessage m) {
    QueueHandler h = handlers.get(m.kind());
    if (h == null) {
      throw new IllegalStateException("no handler for messages of kind " + m.kind());
    }
    return h;
  }
}
