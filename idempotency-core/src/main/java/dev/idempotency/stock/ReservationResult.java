package dev.idempotency.stock;

import java.util.Optional;

/**
 * The answer to {@link StockReservations#reserve}.
 *
 * @param outcome what happened
 * @param reservation the holder's reservation: the new one when {@link Outcome#RESERVED}, the
 *     existing one when {@link Outcome#ALREADY_RESERVED}, otherwise null
 * @param available the units left available after this step (0 when not stocked)
 */
public record ReservationResult(Outcome outcome, Reservation reservation, long available) {

  /** What a reservation attempt did. */
  public enum Outcome {
    /** The units were taken from the available stock and are held for the holder. */
    RESERVED,
    /** Fewer units are available than asked for; nothing changed. */
    SOLD_OUT,
    /** The holder already holds a reservation of this item (reserved or confirmed); nothing changed. */
    ALREADY_RESERVED,
    /** The item was never declared (or its stock expired from the backend); nothing changed. */
    NOT_STOCKED
  }

  /**
   * The holder's reservation, when there is one.
   *
   * @return the new or existing reservation
   */
  public Optional<Reservation> existing() {
    return Optional.ofNullable(reservation);
  }

  /**
   * Whether this call took the units.
   *
   * @return true exactly for {@link Outcome#RESERVED}
   */
  public boolean reserved() {
    return outcome == Outcome.RESERVED;
  }
}
