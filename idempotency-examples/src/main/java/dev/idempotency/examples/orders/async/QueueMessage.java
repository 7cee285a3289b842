package dev.idempotency.examples.orders.async;

/**
 * A request put on the queue by {@code POST /orders/async} or a flash-sale purchase.
 *
 * @param requestId the request's id, the consumer's dedup key
 * @param kind {@code async} or {@code flash-sale}
 * @param userId the buyer
 * @param productId the product
 * @param quantity the units
 * @param submitToken the form's token, if the client sent one
 * @param reservationId a flash sale's reservation of the unit, which the consumer confirms or
 *     releases by this id (never a later reservation of the same buyer); null for other kinds
 */
public record QueueMessage(String requestId, String kind, String userId, String productId, int quantity,
    String submitToken, String reservationId) {}
