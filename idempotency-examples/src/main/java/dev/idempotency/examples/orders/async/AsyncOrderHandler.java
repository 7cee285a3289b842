package dev.idempotency.examples.orders.async;

import dev.idempotency.examples.orders.order.Order;
import dev.idempotency.examples.orders.order.OrderStatus;
import dev.idempotency.examples.orders.order.OrderStore;

/**
 * Writes an async order once per request ({@link Deliveries}): the order (insert-or-find on the form
 * token) and the request's answer, in the delivery's transaction. Thread-safe.
 */
public final class AsyncOrderHandler implements QueueHandler {
  private final Deliveries deliveries;
  private final OrderStore orders;

  /**
   * @param deliveries the deduplicated delivery transaction
   * @param orders the orders
   */
  public AsyncOrderHandler(Deliveries deliveries, OrderStore orders) {
    this.deliveries = deliveries;
    this.orders = orders;
  }

  @Override
  public String kind() {
    return "async";
  }

  @Override
  public Outcome handle(QueueMessage m, int delivery) {
    return deliveries.once("order-messages", m, delivery, connection -> {
      String token = m.submitToken() != null ? m.submitToken() : m.requestId();
      Order order = new Order(OrderStore.newId(), m.userId(), m.productId(), m.quantity(), OrderStatus.CREATED, "async");
      OrderStore.Placed placed = orders.insertOrFind(order, token, null, null);
      deliveries.requests().created(m.requestId(), placed.order().orderId(),
          placed.created() ? "created" : "an order with this form token existed");
      return Outcome.CREATED;
    });
  }

  @Override
  public void deadLettered(QueueMessage m) {
    deliveries.requests().failIfPending(m.requestId(), "dead-lettered after too many deliveries");
  }
}
