package dev.idempotency.spi;

import dev.idempotency.InvalidInputException;
import dev.idempotency.spi.support.Require;
import dev.idempotency.stock.StockReservations;
import java.util.List;

/**
 * The checks every store applies at its own door, whoever calls it: the strategies check the same
 * values with the same rules before they call a store, and a caller of the SPI (a framework, a
 * decorator, a test) gets the same {@link InvalidInputException} instead of a store that adds
 * units for a negative reservation or grants zero permits. Each method writes nothing; a store
 * calls it before its first round trip. Stateless and thread-safe.
 */
public final class StoreArguments {
  private StoreArguments() {}

  /**
   * An item of stock.
   *
   * @param item text of at most {@link StockReservations#MAX_TEXT_LENGTH} characters
   * @return the item
   * @throws InvalidInputException if it is not
   */
  public static String item(String item) {
    return Require.keyText(item, "item", StockReservations.MAX_TEXT_LENGTH);
  }

  /**
   * A holder of a reservation.
   *
   * @param holder text of at most {@link StockReservations#MAX_TEXT_LENGTH} characters
   * @return the holder
   * @throws InvalidInputException if it is not
   */
  public static String holder(String holder) {
    return Require.keyText(holder, "holder", StockReservations.MAX_TEXT_LENGTH);
  }

  /**
   * A count of available units.
   *
   * @param units 0 to {@link StockReservations#MAX_UNITS}
   * @param field the argument's name, for the message
   * @return the units
   * @throws InvalidInputException if out of range
   */
  public static long units(long units, String field) {
    Require.argument(units >= 0 && units <= StockReservations.MAX_UNITS, field,
        "must be 0 to " + StockReservations.MAX_UNITS + ", was " + units);
    return units;
  }

  /**
   * The quantity of one reservation.
   *
   * @param quantity 1 to {@link StockReservations#MAX_QUANTITY}
   * @return the quantity
   * @throws InvalidInputException if out of range
   */
  public static long quantity(long quantity) {
    Require.argument(quantity > 0 && quantity <= StockReservations.MAX_QUANTITY, "quantity",
        "must be 1 to " + StockReservations.MAX_QUANTITY + ", was " + quantity);
    return quantity;
  }

  /**
   * The id of a reservation, as {@link dev.idempotency.stock.StockReservations} mints it and a
   * service carries it (in a message, a column) to release or confirm later.
   *
   * @param id 1 to {@link StockReservations#MAX_ID_LENGTH} ASCII letters, digits, {@code -} or {@code _}
   * @return the id
   * @throws InvalidInputException if it is not
   */
  public static String reservationId(String id) {
    Require.argument(id != null, "reservationId", "must not be null");
    boolean ok = !id.isEmpty() && id.length() <= StockReservations.MAX_ID_LENGTH;
    for (int i = 0; ok && i < id.length(); i++) {
      char c = id.charAt(i);
      ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
    }
    if (!ok) {
      throw new InvalidInputException("reservationId", "must be 1 to " + StockReservations.MAX_ID_LENGTH
          + " ASCII letters, digits, '-' or '_', was " + id.length() + " characters");
    }
    return id;
  }

  /**
   * How long an unconfirmed reservation holds its units.
   *
   * @param hold 1 ms to {@link StockReservations#MAX_HOLD}; stores count whole milliseconds
   * @return the hold
   * @throws InvalidInputException if out of range
   */
  public static java.time.Duration hold(java.time.Duration hold) {
    Require.argument(hold != null, "hold", "must not be null");
    Require.argument(hold.compareTo(java.time.Duration.ofMillis(1)) >= 0
        && hold.compareTo(StockReservations.MAX_HOLD) <= 0, "hold",
        "must be 1 ms to " + StockReservations.MAX_HOLD + ", was " + hold);
    return hold;
  }

  /**
   * One rate-limit decision: a key of at most 256 characters, at least one tier whose interval is
   * positive and whose capacity is at least one interval, and a positive number of permits.
   *
   * @param key the storage key
   * @param tiers the tiers
   * @param permits how many permits
   * @throws InvalidInputException if any is malformed
   */
  public static void rateLimit(String key, List<RateLimitStore.Tier> tiers, long permits) {
    Require.keyText(key, "key", 256);
    Require.nonNull(tiers, "tiers");
    Require.argument(!tiers.isEmpty(), "tiers", "at least one tier");
    for (RateLimitStore.Tier t : tiers) {
      Require.nonNull(t, "tier");
      if (t.intervalMicros() <= 0) {
        throw new InvalidInputException("tier", "interval must be positive, was " + t.intervalMicros());
      }
      Require.argument(t.capacityMicros() >= t.intervalMicros(), "tier",
          "capacity must be at least one interval, was " + t.capacityMicros());
    }
    if (permits <= 0) {
      throw new InvalidInputException("permits", "must be positive, was " + permits);
    }
  }
}
