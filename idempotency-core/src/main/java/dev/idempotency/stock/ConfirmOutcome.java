package dev.idempotency.stock;

/** What {@link StockReservations#confirm} did. */
public enum ConfirmOutcome {
  /** The reservation became final in this call. */
  CONFIRMED,
  /** It was confirmed before; nothing changed. */
  ALREADY_CONFIRMED,
  /** The holder holds nothing of this item (never reserved, or released); nothing changed. */
  NOT_RESERVED
}
