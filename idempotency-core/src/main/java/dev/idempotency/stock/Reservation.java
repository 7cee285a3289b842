package dev.idempotency.stock;

/**
 * One holder's units of one item.
 *
 * @param holder who holds them: a user for one reservation per user, or an order or request id
 * @param quantity how many units
 * @param confirmed whether the reservation was made final ({@link StockReservations#confirm})
 */
public record Reservation(String holder, long quantity, boolean confirmed) {}
