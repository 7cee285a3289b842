package dev.idempotency.stock;

/** What {@link StockReservations#release} did. */
public enum ReleaseOutcome {
  /** The holder's units went back to the available stock, in this call. */
  RELEASED,
  /** The holder holds nothing of this item (never reserved, or released before); nothing changed. */
  NOT_RESERVED,
  /** The reservation was confirmed; confirmed units are sold and are not given back. Nothing changed. */
  ALREADY_CONFIRMED
}
