package dev.idempotency.examples.orders.flashsale;

import dev.idempotency.examples.orders.OrderDatabase;
import dev.idempotency.examples.orders.async.Deliveries;
import dev.idempotency.examples.orders.async.QueueHandler;
import dev.idempotency.examples.orders.async.QueueMessage;
import dev.idempotency.examples.orders.async.RequestStore;
import dev.idempotency.examples.orders.order.Order;
import dev.idempotency.examples.orders.order.OrderStatus;
import dev.idempotency.examples.orders.order.OrderStore;
import dev.idempotency.stock.ConfirmOutcome;
import dev.idempotency.stock.ReservationResult;
import dev.idempotency.stock.StockReservations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a flash-sale order once per purchase ({@link Deliveries}). In the delivery's transaction:
 * one unit from the database's stock ledger (reserved
 * and confirmed through {@code TransactionalStock}, so the unit and the order commit or roll back
 * together), the order with the unique (user, product) key, and the request's answer. A sold-out
 * ledger or a buyer who already holds a unit is answered in the same transaction. After the commit it
 * settles the cache's reservation: confirmed after an order, released after a refusal; both are
 * idempotent, so a redelivery after a crash between the commit and the settlement settles it too.
 * Thread-safe.
 */
public final class FlashSaleHandler implements QueueHandler {
  private static final Logger LOG = LoggerFactory.getLogger(FlashSaleHandler.class);

  private final Deliveries deliveries;
  private final OrderDatabase database;
  private final StockReservations cache;
  private final OrderStore orders;

  /**
   * @param deliveries the deduplicated delivery transaction
   * @param database the stock ledger, on the transaction's connection
   * @param cache the reservations in the cache
   * @param orders the orders
   */
  public FlashSaleHandler(Deliveries deliveries, OrderDatabase database, StockReservations cache, OrderStore orders) {
    this.deliveries = deliveries;
    this.database = database;
    this.cache = cache;
    this.orders = orders;
  }

  @Override
  public String kind() {
    return "flash-sale";
  }

  @Override
  public Outcome handle(QueueMessage m, int delivery) {
    RequestStore requests = deliveries.requests();
    return deliveries.once("flash-messages", m, delivery, c -> {
      ReservationResult unit = database.stock().reserve(c, m.productId(), m.userId(), 1);
      switch (unit.outcome()) {
        case RESERVED -> database.stock().confirm(c, unit.reservation());
        case ALREADY_RESERVED -> {
          requests.failed(m.requestId(), "this user already bought this product");
          return Outcome.ALREADY_BOUGHT;
        }
        default -> {
          requests.failed(m.requestId(), "sold out in the database");
          return Outcome.SOLD_OUT;
        }
      }
      Order order = new Order(OrderStore.newId(), m.userId(), m.productId(), 1, OrderStatus.CREATED, "flash-sale");
      OrderStore.Placed placed = orders.insertOrFind(order, null, m.userId() + "/" + m.productId(), null);
      if (!placed.created()) {
        // The ledger gave this buyer a unit, so no order of theirs can exist: roll back, and let the
        // redelivery (or the dead-letter queue) show it.
        throw new IllegalStateException("the stock ledger and the orders disagree on " + m.userId() + "/"
            + m.productId());
      }
      requests.created(m.requestId(), placed.order().orderId(), "created");
      return Outcome.CREATED;
    });
  }

  /** Confirms after an order, releases after a refusal; only a redelivery reads what the first delivery decided. */
  @Override
  public void afterCommit(QueueMessage m, Outcome outcome) {
    String status = switch (outcome) {
      case CREATED -> "CREATED";
      case SOLD_OUT, ALREADY_BOUGHT -> "FAILED";
      case ALREADY_PROCESSED -> deliveries.requests().find(m.requestId()).map(RequestStore.Request::status).orElse("PENDING");
    };
    if ("CREATED".equals(status)) {
      if (cache.confirm(m.productId(), m.userId(), m.reservationId()) == ConfirmOutcome.NOT_RESERVED) {
        // The hold ended before the order was written: the database's ledger, which took the unit
        // with the order, stays the record; the cache is repaired from it (FlashSales.warm).
        LOG.warn("order for request {} was written after its reservation's hold ended", m.requestId());
      }
    } else if ("FAILED".equals(status)) {
      cache.release(m.productId(), m.userId(), m.reservationId());
    }
  }

  @Override
  public void deadLettered(QueueMessage m) {
    if (deliveries.requests().failIfPending(m.requestId(), "dead-lettered after too many deliveries")) {
      cache.release(m.productId(), m.userId(), m.reservationId());
    }
  }
}
