package dev.idempotency.examples.orders.flashsale;

import dev.idempotency.stock.Reservation;

/** One flash-sale purchase as it goes through the layers; the stock layer hands it its reservation. */
public final class FlashBuy {
  private final String productId;
  private final String userId;
  private volatile Reservation reservation;

  /**
   * @param productId the product on sale
   * @param userId the buyer
   */
  public FlashBuy(String productId, String userId) {
    this.productId = productId;
    this.userId = userId;
  }

  /** @return the product on sale */
  public String productId() {
    return productId;
  }

  /** @return the buyer */
  public String userId() {
    return userId;
  }

  /** @return the unit reserved for this purchase, once the stock layer took it */
  public Reservation reservation() {
    return reservation;
  }

  void reservation(Reservation r) {
    this.reservation = r;
  }
}
