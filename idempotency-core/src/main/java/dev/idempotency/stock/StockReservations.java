package dev.idempotency.stock;

import dev.idempotency.InvalidInputException;
import dev.idempotency.StoreUnavailableException;
import dev.idempotency.defence.Layer;
import dev.idempotency.spi.StockStore;
import dev.idempotency.spi.support.Require;
import dev.idempotency.spi.support.StoreCalls;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

// Size: every stock operation (declare, repair, reserve, release, confirm, levels) in two forms
// (by reservation and by its parts) with their Javadoc, and the layer factories (ReservationLayer).
/**
 * Stock reservation for flash sales: a storm of buyers never oversells and, when the holder is the
 * user, never sells one user two.
 *
 * <pre>{@code
 * StockReservations stock = StockReservations.of(backend.stockStore(), Duration.ofMinutes(15));
 * stock.declare("sku-42", 10);                                  // warm from the database; idempotent
 * ReservationResult r = stock.reserve("sku-42", userId, 1);     // one atomic step on the backend
 * if (r.reserved()) {
 *   try {
 *     placeOrder(...);
 *     stock.confirm(r.reservation());                           // sold
 *   } catch (RuntimeException e) {
 *     stock.release(r.reservation());                           // the unit goes to someone else
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
 *   <li>Every reservation has an id, minted here; {@link #release} and {@link #confirm} act on that
 *       id only. {@link #release} gives the units back exactly once; {@link #confirm} makes them
 *       final exactly once; repeats are no-ops with their own outcome. A retried release of an old
 *       reservation (its reply was lost, the holder reserved again) never touches the new one.
 *       Released holders may reserve again.</li>
 *   <li>An unconfirmed reservation holds its units for the hold given at construction, on the
 *       backend's clock; then its units are available again by themselves, so a buyer who
 *       vanished, a reply lost on the way back or a service that died before releasing costs the
 *       sale nothing but the hold. A confirm after the hold ended is {@link ConfirmOutcome#NOT_RESERVED}:
 *       confirm before the hold ends, or reserve again.</li>
 *   <li>Every unit is available, reserved or confirmed ({@link StockLevels#total()} is invariant), so
 *       a service reconciles the cache with its database by comparing totals and sold counts, and
 *       repairs with {@link #repair}.</li>
 *   <li>Declaring again ({@link #declare}) never adds stock: warming a cache twice is safe.</li>
 * </ul>
 *
 * <p>Items: 1 to 200 characters of text without control characters, as are holders. Reservation
 * ids are unique per item and holder (64 random bits), not secrets: a service that hands them to
 * clients authorises the release itself. Thread-safe.
 */
public final class StockReservations {
  /** The largest number of units an item can hold: exact in every backend (below 2^53). */
  public static final long MAX_UNITS = 1_000_000_000_000_000L;
  /** The largest quantity of one reservation. */
  public static final long MAX_QUANTITY = 1_000_000_000L;
  /** The longest item or holder, in UTF-16 units. */
  public static final int MAX_TEXT_LENGTH = 200;
  /** The longest reservation id a store accepts. */
  public static final int MAX_ID_LENGTH = 64;
  /** The longest hold. */
  public static final Duration MAX_HOLD = Duration.ofDays(365);
  /** The hold of {@link #of(StockStore)}: long enough for a checkout, short enough for a sale. */
  public static final Duration DEFAULT_HOLD = Duration.ofMinutes(15);

  private final StockStore store;
  private final Duration hold;

  private StockReservations(StockStore store, Duration hold) {
    this.store = store;
    this.hold = hold;
  }

  /**
   * Reservations on a backend's stock store, holding unconfirmed units for {@link #DEFAULT_HOLD}.
   *
   * @param store for example {@code backend.stockStore()}
   * @return the reservations
   * @throws InvalidInputException if the store is null
   */
  public static StockReservations of(StockStore store) {
    return of(store, DEFAULT_HOLD);
  }

  /**
   * Reservations on a backend's stock store.
   *
   * @param store for example {@code backend.stockStore()}
   * @param hold how long an unconfirmed reservation holds its units: 1 ms to {@link #MAX_HOLD}
   * @return the reservations
   * @throws InvalidInputException if the store is null or the hold out of range
   */
  public static StockReservations of(StockStore store, Duration hold) {
    return new StockReservations(Require.nonNull(store, "store"), dev.idempotency.spi.StoreArguments.hold(hold));
  }

  /**
   * How long an unconfirmed reservation made here holds its units.
   *
   * @return the hold
   */
  public Duration hold() {
    return hold;
  }

  /**
   * A new reservation id: 64 random bits as 16 hex digits. Ids tell a holder's reservations apart,
   * so they need to be unique per item and holder, not secret, and a non-blocking generator is used.
   *
   * @return the id
   */
  public static String newId() {
    String hex = Long.toHexString(ThreadLocalRandom.current().nextLong());
    return "0".repeat(16 - hex.length()) + hex;
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
    String id = newId();
    return call("reserve", () -> store.reserve(i, h, quantity, id, hold));
  }

  /**
   * Gives a reservation's units back, once: a later step failed (payment declined, the order could
   * not be written) or the order was cancelled.
   *
   * @param reservation what {@link #reserve} returned (new or existing)
   * @return released; not reserved (released before, its hold ended, or it is not the holder's
   *     current one); or already confirmed
   * @throws InvalidInputException if the reservation is null or malformed
   * @throws StoreUnavailableException if the backend cannot be reached
   */
  public ReleaseOutcome release(Reservation reservation) {
    Require.nonNull(reservation, "reservation");
    return release(reservation.item(), reservation.holder(), reservation.id());
  }

  /**
   * Gives the units of the holder's reservation {@code id} back, once; see {@link #release(Reservation)}.
   *
   * @param item the item
   * @param holder the holder
   * @param id the reservation's id
   * @return released, not reserved, or already confirmed
   * @throws InvalidInputException if an argument is malformed
   * @throws StoreUnavailableException if the backend cannot be reached
   */
  public ReleaseOutcome release(String item, String holder, String id) {
    String i = item(item);
    String h = holder(holder);
    String r = dev.idempotency.spi.StoreArguments.reservationId(id);
    return call("release", () -> store.release(i, h, r));
  }

  /**
   * Makes a reservation final (the order was paid), once, while it holds.
   *
   * @param reservation what {@link #reserve} returned (new or existing)
   * @return confirmed, already confirmed, or not reserved (its hold ended: reserve again)
   * @throws InvalidInputException if the reservation is null or malformed
   * @throws StoreUnavailableException if the backend cannot be reached
   */
  public ConfirmOutcome confirm(Reservation reservation) {
    Require.nonNull(reservation, "reservation");
    return confirm(reservation.item(), reservation.holder(), reservation.id());
  }

  /**
   * Makes the holder's reservation {@code id} final, once; see {@link #confirm(Reservation)}.
   *
   * @param item the item
   * @param holder the holder
   * @param id the reservation's id
   * @return confirmed, already confirmed, or not reserved
   * @throws InvalidInputException if an argument is malformed
   * @throws StoreUnavailableException if the backend cannot be reached
   */
  public ConfirmOutcome confirm(String item, String holder, String id) {
    String i = item(item);
    String h = holder(holder);
    String r = dev.idempotency.spi.StoreArguments.reservationId(id);
    return call("confirm", () -> store.confirm(i, h, r));
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

  /**
   * These reservations as a layer of a {@link dev.idempotency.defence.LayeredDefence}: it reserves
   * stock before letting the request through, and gives it back if the inner layers or the action
   * fail or stop, so a declined payment or a failed order insert never loses a unit. Sold out,
   * already reserved (one per holder) and not stocked stop the request. On success the units stay
   * reserved for the hold: confirm them when the order is paid ({@link #confirm(Reservation)}; the
   * overload with {@code onReserved} hands the action its reservation), release them when it is
   * cancelled, or let the hold end.
   *
   * @param <R> the request type
   * @param <T> the result type
   * @param item the item a request buys
   * @param holder the holder: the user for one per user, or the request id
   * @param quantity the units a request buys
   * @return the layer, named {@code "stock"}; thread-safe
   * @throws InvalidInputException if an argument is null
   */
  public <R, T> Layer<R, T> asLayer(Function<? super R, String> item, Function<? super R, String> holder,
      ToLongFunction<? super R> quantity) {
    return asLayer(item, holder, quantity, (request, reservation) -> { });
  }

  /**
   * As {@link #asLayer(Function, Function, ToLongFunction)}, and hands the new reservation to the
   * request before the inner layers run, so that the action can pass its id on (in a message, an
   * order row) to whoever confirms or releases it, without reading it back.
   *
   * @param <R> the request type
   * @param <T> the result type
   * @param item the item a request buys
   * @param holder the holder: the user for one per user, or the request id
   * @param quantity the units a request buys
   * @param onReserved called with the request and its reservation once the units are reserved;
   *     what it throws releases them and propagates
   * @return the layer, named {@code "stock"}; thread-safe
   * @throws InvalidInputException if an argument is null
   */
  public <R, T> Layer<R, T> asLayer(Function<? super R, String> item, Function<? super R, String> holder,
      ToLongFunction<? super R> quantity, BiConsumer<? super R, ? super Reservation> onReserved) {
    return new ReservationLayer<>(this, Require.nonNull(item, "item"), Require.nonNull(holder, "holder"),
        Require.nonNull(quantity, "quantity"), Require.nonNull(onReserved, "onReserved"));
  }
}
