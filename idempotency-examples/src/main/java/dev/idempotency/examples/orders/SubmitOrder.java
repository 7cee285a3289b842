package dev.idempotency.examples.orders;

import dev.idempotency.FencingToken;

/**
 * One submission of the order form, as it goes through the layers. Immutable but for the fencing
 * token, which the lock layer hands over once it holds the lock ({@link #fence(FencingToken)}).
 *
 * @see OrderService#submit
 */
public final class SubmitOrder {
  private final String userId;
  private final String productId;
  private final int quantity;
  private final String submitToken;
  private volatile FencingToken fence;

  SubmitOrder(String userId, String productId, int quantity, String submitToken) {
    this.userId = userId;
    this.productId = productId;
    this.quantity = quantity;
    this.submitToken = submitToken;
  }

  String userId() {
    return userId;
  }

  String productId() {
    return productId;
  }

  int quantity() {
    return quantity;
  }

  String submitToken() {
    return submitToken;
  }

  /** The lock's fencing token, or null if the lock layer was skipped (its store down). */
  FencingToken fence() {
    return fence;
  }

  void fence(FencingToken token) {
    this.fence = token;
  }
}
