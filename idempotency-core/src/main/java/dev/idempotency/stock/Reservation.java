package dev.idempotency.stock;

/**
 * One holder's units of one item. Pass it back to {@link StockReservations#release(Reservation)} or
 * {@link StockReservations#confirm(Reservation)}, or carry its item, holder and id (in a message, an
 * order row) to settle it elsewhere: a release or confirm acts only on the reservation with this id,
 * never on a later one of the same holder.
 *
 * @param item the item
 * @param holder who holds them: a user for one reservation per user, or an order or request id
 * @param id the reservation's id, minted when it was made: 1 to
 *     {@link StockReservations#MAX_ID_LENGTH} ASCII letters, digits, {@code -} or {@code _}
 * @param quantity how many units
 * @param confirmed whether the reservation was made final ({@link StockReservations#confirm}); an
 *     unconfirmed one returns to stock when its hold ends
 */
public record Reservation(String item, String holder, String id, long quantity, boolean confirmed) {}
