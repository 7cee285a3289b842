package dev.idempotency.examples.orders;

/**
 * A request put on the queue by {@code POST /orders/async} or a flash-sale purchase.
 *
 * @param requestId the request's id, the consumer's dedup key
 * @param kind {@code async} or {@code flash-sale}
 * @param userId the buyer
 * @param productId the product
 * @param quantity the units
 * @param submitToken the form's token, if the client sent one
 */
public record QueueMessage(String requestId, String kind, String userId, String productId, int quantity,
    String submitToken) {}
