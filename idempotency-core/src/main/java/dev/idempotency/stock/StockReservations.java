package dev.idempotency.stock;

import dev.idempotency.InvalidInputException;
import dev.idempotency.StoreUnavailableException;
import dev.idempotency.internal.Require;
import dev.idempotency.internal.StoreCalls;
import dev.idempotency.spi.StockStore;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Stock reservation for flash sales: a storm of buyers never oversells and, when the holder is the
 * user, never sells one user two.
 *
 * <pre>{@code
 * StockReservations stock = StockReservations.of(backend.stockStore());
 * stock.declare("sku-42", 10);                                  // warm from the database; idempotent
 * ReservationResult r = stock.reserve("sku-42", userId, 1);     // one atomic step on the backend
 * if (r.reserved()) {
 *   try {
 *     placeOrder(...);
 *     stock.confirm("sku-42", userId);                          // sold
 *   } catch (RuntimeException e) {
 *     stock.release("sku-42", userId);                          // the unit goes to someone else
 *     throw e;
 *   }
 * }
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>{@link #reserve} is one atomic step on the backend (one Lua script on one key, also on Redis
 *       Cluster; one transaction on the item's row; one monitor in memory). Of any number of
 *       concurrent buyers, at most the available units are reserved: stock never goes below zero.</li>
 *   <li>A holder holds at most one reservation per item: a repeat (a retried request, a double
 *       click) gets {@link ReservationResult.Outcome#ALREADY_RESERVED} with the existing one and takes
 *       nothing. Pass the user as holder for one per user; pass an order or request id to let a user
 *       buy several times, each request at most once.</li>
 *   <li>{@link #release} gives the units back exactly once; {@link #confirm} makes them final exactly
 *       once; repeats are no-ops with their own outcome. Released holders may reserve again.</li>
 *   <li>Every unit is available, reserved or confirmed ({@link StockLevels#total()} is invariant), so
 *       a service reconciles the cache with its database by comparing totals and sold counts, and
 *       repairs with {@link #repair}.</li>
 *   <li>Declaring again ({@link #declare}) never adds stock: warming a cache twice is safe.</li>
 * </ul>
 *
 * <p>Reservations do not expire by themselves: a service that holds units for an unpaid order
 * releases them when the order times out. Items: 1 to 200 characters of text without control
 * characters, as are holders. Thread-safe.
 */
public final class StockReservations {
  /** The largest number of units an item can hold: exact in every backend (below 2^53). */
  public static final long MAX_UNITS = 1_000_000_000_000_000L;
  /** The largest quantity of one reservation. */
  public static final long MAX_QUANTITY = 1_000_000_000L;
  /** The longest item or holder, in UTF-16 units. */
  public static final int MAX_TEXT_LENGTH = 200;

  private final StockStore store;

  private StockReservations(StockStore store) {
    this.store = store;
  }

  /**
   * Reservations on a backend's stock store.
   *
   * @param store for example {@code backend.stockStore()}
   * @return the reservations
   */
  public static StockReservations of(StockStore store) {
    return new StockReservations(Require.nonNull(store, "store"));
  }

  /**
   * Declares an item's stock unless it is declared already (then nothing changes): load it from the
   * database when the sale starts, as often as you like.
   *
   * @param item the item
   * @param available the units, 0 to {@link #MAX_UNITS}
   * @return true if this call declared it
   * @throws InvalidInputException if an argument is malformed
   * @throws StoreUnavailableException if the backend cannot be reached
   */
  public boolean declare(String item, long available) {
    String i = item(item);
    long units = units(available, "available");
    return call("declare", () -> store.declare(i, units));
  }

  /**
   * Sets the available units of an item to a value the service computed from its database of
   * record (for example initial stock less sold less pending), keeping reservations; declares the
   * item if needed.
   *
   * @param item the item
   * @param available the units, 0 to {@link #MAX_UNITS}
   * @return the levels before the repair, empty if the item was not declared
   * @throws InvalidInputException if an argument is malformed
   * @throws StoreUnavailableException if the backend cannot be reached
   */
  public Optional<StockLevels> repair(String item, long available) {
    String i = item(item);
    long units = units(available, "available");
    return call("repair", () -> store.repair(i, units));
  }

  /**
   * Reserves one unit.
   *
   * @param item the item
   * @param holder the user (one per user) or the request (one per request)
   * @return the outcome
   * @throws InvalidInputException if an argument is malformed
   * @throws StoreUnavailableException if the backend cannot be reached
   */
  public ReservationResult reserve(String item, String holder) {
    return reserve(item, holder, 1);
  }

  /**
   * Reserves units in one atomic step; see the class guarantees.
   *
   * @param item the item
   * @param holder the user (one per user) or the request (one per request)
   * @param quantity 1 to {@link #MAX_QUANTITY}
   * @return reserved, sold out, already reserved (with the existing reservation) or not stocked
   * @throws InvalidInputException if an argument is malformed
   * @throws StoreUnavailableException if the backend cannot be reached
   */
  public ReservationResult reserve(String item, String holder, long quantity) {
    String i = item(item);
    String h = holder(holder);
    dev.idempotency.spi.StoreArguments.quantity(quantity);
    return call("reserve", () -> store.reserve(i, h, quantity));
  }

  /**
   * Gives a holder's unconfirmed units back, once: a later step failed (payment declined, the order
   * could not be written) or the order timed out.
   *
   * @param item the item
   * @param holder the holder
   * @return released, not reserved, or already confirmed
   * @throws InvalidInputException if an argument is malformed
   * @throws StoreUnavailableException if the backend cannot be reached
   */
  public ReleaseOutcome release(String item, String holder) {
    String i = item(item);
    String h = holder(holder);
    return call("release", () -> store.release(i, h));
  }

  /**
   * Makes a holder's reservation final (the order was paid), once.
   *
   * @param item the item
   * @param holder the holder
   * @return confirmed, already confirmed, or not reserved
   * @throws InvalidInputException if an argument is malformed
   * @throws StoreUnavailableException if the backend cannot be reached
   */
  public ConfirmOutcome confirm(String item, String holder) {
    String i = item(item);
    String h = holder(holder);
    return call("confirm", () -> store.confirm(i, h));
  }

  /**
   * Reads an item's counts, for reconciliation and dashboards.
   *
   * @param item the item
   * @return the levels, empty if not declared
   * @throws InvalidInputException if the item is malformed
   * @throws StoreUnavailableException if the backend cannot be reached
   */
  public Optional<StockLevels> levels(String item) {
    String i = item(item);
    return call("levels", () -> store.levels(i));
  }

  /**
   * Reads a holder's reservation of an item.
   *
   * @param item the item
   * @param holder the holder
   * @return the reservation, if any
   * @throws InvalidInputException if an argument is malformed
   * @throws StoreUnavailableException if the backend cannot be reached
   */
  public Optional<Reservation> reservation(String item, String holder) {
    String i = item(item);
    String h = holder(holder);
    return call("reservation", () -> store.reservation(i, h));
  }

  private static String item(String item) {
    return dev.idempotency.spi.StoreArguments.item(item);
  }

  private static String holder(String holder) {
    return dev.idempotency.spi.StoreArguments.holder(holder);
  }

  private static long units(long units, String field) {
    return dev.idempotency.spi.StoreArguments.units(units, field);
  }

  private <R> R call(String operation, Supplier<R> call) {
    return StoreCalls.call(store.name(), operation, call);
  }
}
