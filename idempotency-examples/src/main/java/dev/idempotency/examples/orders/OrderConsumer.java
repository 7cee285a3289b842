package dev.idempotency.examples.orders;

import dev.idempotency.stock.ConfirmOutcome;
import dev.idempotency.stock.StockReservations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes queued requests at least once and makes each exactly one order: the dedup row written
 * in the order's own transaction turns every redelivery into a no-op. For a flash sale it then
 * settles the stock reservation (confirm after the order, release after a refusal); both are
 * idempotent, so a redelivery after a crash between the commit and the settlement settles it too.
 * Thread-safe.
 */
final class OrderConsumer {
  private static final Logger LOG = LoggerFactory.getLogger(OrderConsumer.class);
  private final OrderStore store;
  private final StockReservations stock;
  private final LayerStats stats;
  private final Chaos chaos;

  OrderConsumer(OrderStore store, StockReservations stock, LayerStats stats, Chaos chaos) {
    this.store = store;
    this.stock = stock;
    this.stats = stats;
    this.chaos = chaos;
  }

  /**
   * Handles one delivery.
   *
   * @param m the message
   * @param delivery its delivery count, from 1
   * @throws RuntimeException to have it delivered again
   */
  void handle(QueueMessage m, int delivery) {
    OrderStore.Consumed outcome;
    try {
      outcome = "flash-sale".equals(m.kind()) ? store.consumeFlash(m, delivery) : store.consumeOrder(m, delivery);
    } catch (RuntimeException e) {
      stats.error("queue-dedup");
      throw e;
    }
    switch (outcome) {
      case CREATED -> stats.passed("queue-dedup");
      case ALREADY_PROCESSED -> stats.stopped("queue-dedup", "DUPLICATE");
      default -> stats.stopped("database", outcome.name());
    }
    chaos.afterCommit(m);
    if ("flash-sale".equals(m.kind())) {
      settle(m, outcome);
    }
  }

  /** A message delivered too often: its request fails, and a flash sale's reservation goes back. */
  void deadLettered(QueueMessage m) {
    stats.stopped("queue-dedup", "DEAD_LETTERED");
    if (store.failIfPending(m.requestId(), "dead-lettered after too many deliveries")
        && "flash-sale".equals(m.kind())) {
      stock.release(m.productId(), m.userId(), m.reservationId());
    }
  }

  /** Confirms after an order, releases after a refusal; only a redelivery reads what the first delivery decided. */
  private void settle(QueueMessage m, OrderStore.Consumed outcome) {
    String status = switch (outcome) {
      case CREATED -> "CREATED";
      case SOLD_OUT, ALREADY_BOUGHT -> "FAILED";
      case ALREADY_PROCESSED -> store.request(m.requestId()).map(OrderStore.Request::status).orElse("PENDING");
    };
    if ("CREATED".equals(status)) {
      if (stock.confirm(m.productId(), m.userId(), m.reservationId()) == ConfirmOutcome.NOT_RESERVED) {
        // The hold ended before the order was written: the database's own stock row, decremented
        // with the order, stays the ledger of record; the reservation cache is repaired from it.
        LOG.warn("order for request {} was written after its reservation's hold ended", m.requestId());
      }
    } else if ("FAILED".equals(status)) {
      stock.release(m.productId(), m.userId(), m.reservationId());
    }
  }
}
