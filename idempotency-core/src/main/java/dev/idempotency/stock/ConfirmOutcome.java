package dev.idempotency.stock;

/** What {@link StockReservations#confirm} did. */
public enum ConfirmOutcome {
  /** The reservation became final in this call. */
  CONFIRMED,
  /** It was confirmed before; nothing changed. */
  ALREADY_CONFIRMED,
  /**
   * The holder holds no reservation of this item with this id: never reserved, released, its hold
   * ended (reserve again), or the holder now holds a newer one, which is left alone. Nothing changed.
   */
  NOT_RESERVED
}
