package dev.idempotency.examples.orders.order;

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

  /**
   * @param userId the buyer
   * @param productId the product
   * @param quantity the units
   * @param submitToken the form's one-time token (may be null for an async submission)
   */
  public SubmitOrder(String userId, String productId, int quantity, String submitToken) {
    this.userId = userId;
    this.productId = productId;
    this.quantity = quantity;
    this.submitToken = submitToken;
  }

  /** @return the buyer */
  public String userId() {
    return userId;
  }

  /** @return the product */
  public String productId() {
    return productId;
  }

  /** @return the units */
  public int quantity() {
    return quantity;
  }

  /** @return the form's one-time token, or null */
  public String submitToken() {
    return submitToken;
  }

  /** @return the lock's fencing token, or null if the lock layer was skipped (its store down) */
  public FencingToken fence() {
    return fence;
  }

  /** @param token the lock's fencing token, handed over by the lock layer */
  public void fence(FencingToken token) {
    this.fence = token;
  }
}
