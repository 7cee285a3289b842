package dev.idempotency.examples.orders.order;

/**
 * An order as the API shows it.
 *
 * @param orderId the order's id
 * @param userId the buyer
 * @param productId the product
 * @param quantity how many units
 * @param status its state ({@link OrderStatus})
 * @param kind {@code order} (the form), {@code async} (through the queue) or {@code flash-sale}
 */
public record Order(String orderId, String userId, String productId, int quantity, OrderStatus status, String kind) {

  Order withStatus(OrderStatus s) {
    return new Order(orderId, userId, productId, quantity, s, kind);
  }
}
