package dev.idempotency.spi;

import dev.idempotency.stock.ConfirmOutcome;
import dev.idempotency.stock.ReleaseOutcome;
import dev.idempotency.stock.Reservation;
import dev.idempotency.stock.ReservationResult;
import dev.idempotency.stock.StockLevels;
import java.time.Duration;
import java.util.Optional;

/**
 * The backend of stock reservation ({@link dev.idempotency.stock.StockReservations}): per item, the
 * available, reserved and confirmed counts and one reservation per holder. Every method is one
 * atomic step over the item's counts and its holders (a Lua script on the item's keys, one
 * transaction on a locked row, a monitor in memory), so stock never goes below zero and a holder
 * never holds twice.
 *
 * <p><b>Holds.</b> An unconfirmed reservation holds its units until its hold ends, on the store's
 * clock (the server's or the database's where there is one). After that it is not a reservation:
 * no read reports it, {@link #release} and {@link #confirm} answer not reserved, the holder may
 * reserve again, and its units count as available (a store may move them back lazily, on the
 * item's next operation, as long as every answer is as if they had moved when the hold ended).
 * Available + reserved + confirmed never changes except by {@link #declare} and {@link #repair}.
 *
 * <p>Every method checks its arguments with {@link StoreArguments} before anything is written; the
 * core has checked them already, so a refusal here means a caller bypassed the core.
 */
public interface StockStore extends Store {
  /**
   * Declares an item with this many available units, unless it is declared already: warming the
   * cache again never adds stock.
   *
   * @param item the item
   * @param available the units, zero or more
   * @return true if declared by this call, false if it existed (unchanged)
   */
  boolean declare(String item, long available);

  /**
   * Sets the available units of an item to a value computed elsewhere (the database of record),
   * declaring it if needed; reservations and confirmed counts are kept.
   *
   * @param item the item
   * @param available the units, zero or more
   * @return the levels before the repair, empty if the item was not declared
   */
  Optional<StockLevels> repair(String item, long available);

  /**
   * In one atomic step: not stocked if the item is unknown; already reserved (with the existing
   * reservation and its id) if the holder holds a live reservation of it; sold out if fewer than
   * {@code quantity} units are available; otherwise moves the units from available to reserved and
   * records the holder's reservation under {@code id}, held for {@code hold}.
   *
   * @param item the item
   * @param holder the holder
   * @param quantity 1 to {@link dev.idempotency.stock.StockReservations#MAX_QUANTITY}
   * @param id the new reservation's id ({@link StoreArguments#reservationId})
   * @param hold how long it holds its units unless confirmed ({@link StoreArguments#hold})
   * @return the outcome
   */
  ReservationResult reserve(String item, String holder, long quantity, String id, Duration hold);

  /**
   * Gives the units of the holder's unconfirmed reservation {@code id} back to the available stock
   * and forgets it, once. A reservation of the holder with another id is not touched.
   *
   * @param item the item
   * @param holder the holder
   * @param id the reservation's id
   * @return released; not reserved (never, released before, its hold ended, or another id is
   *     held); or already confirmed
   */
  ReleaseOutcome release(String item, String holder, String id);

  /**
   * Makes the holder's reservation {@code id} final while it holds: its units move from reserved
   * to confirmed, once. A reservation of the holder with another id is not touched.
   *
   * @param item the item
   * @param holder the holder
   * @param id the reservation's id
   * @return confirmed, already confirmed, or not reserved (as for {@link #release})
   */
  ConfirmOutcome confirm(String item, String holder, String id);

  /**
   * Reads an item's counts.
   *
   * @param item the item
   * @return its levels, empty if it is not declared
   */
  Optional<StockLevels> levels(String item);

  /**
   * Reads one holder's live reservation (confirmed, or unconfirmed and still holding).
   *
   * @param item the item
   * @param holder the holder
   * @return the reservation, if the holder holds one
   */
  Optional<Reservation> reservation(String item, String holder);
}
