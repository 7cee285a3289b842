package dev.idempotency.stock;

/** What {@link StockReservations#release} did. */
public enum ReleaseOutcome {
  /** The holder's units went back to the available stock, in this call. */
  RELEASED,
  /**
   * The holder holds no reservation of this item with this id: never reserved, released before,
   * its hold ended (its units went back by themselves), or the holder now holds a newer one, which
   * is left alone. Nothing changed.
   */
  NOT_RESERVED,
  /** The reservation was confirmed; confirmed units are sold and are not given back. Nothing changed. */
  ALREADY_CONFIRMED
}
