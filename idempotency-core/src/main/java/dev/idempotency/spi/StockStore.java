package dev.idempotency.spi;

import dev.idempotency.stock.ConfirmOutcome;
import dev.idempotency.stock.ReleaseOutcome;
import dev.idempotency.stock.Reservation;
import dev.idempotency.stock.ReservationResult;
import dev.idempotency.stock.StockLevels;
import java.util.Optional;

/**
 * The backend of stock reservation ({@link dev.idempotency.stock.StockReservations}): per item, the
 * available, reserved and confirmed counts and one reservation per holder. Every method is one
 * atomic step over the item's counts and its holders (a Lua script on one key, one transaction on a
 * locked row, a monitor in memory), so stock never goes below zero and a holder never holds twice.
 *
 * <p>Items and holders arrive validated by the core; the store treats them as opaque text.
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
   * In one atomic step: not stocked if the item is unknown; already reserved if the holder holds
   * a reservation of it; sold out if fewer than {@code quantity} units are available; otherwise
   * moves the units from available to reserved and records the holder.
   *
   * @param item the item
   * @param holder the holder
   * @param quantity positive
   * @return the outcome
   */
  ReservationResult reserve(String item, String holder, long quantity);

  /**
   * Gives an unconfirmed reservation's units back to the available stock and forgets it, once.
   *
   * @param item the item
   * @param holder the holder
   * @return released, not reserved, or already confirmed
   */
  ReleaseOutcome release(String item, String holder);

  /**
   * Makes a reservation final: its units move from reserved to confirmed, once.
   *
   * @param item the item
   * @param holder the holder
   * @return confirmed, already confirmed, or not reserved
   */
  ConfirmOutcome confirm(String item, String holder);

  /**
   * Reads an item's counts.
   *
   * @param item the item
   * @return its levels, empty if it is not declared
   */
  Optional<StockLevels> levels(String item);

  /**
   * Reads one holder's reservation.
   *
   * @param item the item
   * @param holder the holder
   * @return the reservation, if the holder holds one
   */
  Optional<Reservation> reservation(String item, String holder);
}
