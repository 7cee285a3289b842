package dev.idempotency.jdbc;

import dev.idempotency.InvalidInputException;
import dev.idempotency.StoreUnavailableException;
import dev.idempotency.spi.StoreArguments;
import dev.idempotency.spi.support.Require;
import dev.idempotency.stock.ConfirmOutcome;
import dev.idempotency.stock.ReleaseOutcome;
import dev.idempotency.stock.Reservation;
import dev.idempotency.stock.ReservationResult;
import dev.idempotency.stock.StockReservations;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Stock reservation in the caller's own connection and transaction: the reservation and the order
 * row commit or roll back together, so a unit is never reserved for an order that was not written,
 * nor an order written without its unit.
 *
 * <pre>{@code
 * try (Connection c = dataSource.getConnection()) {
 *   c.setAutoCommit(false);
 *   if (stock.reserve(c, "sku-42", userId, 1).reserved()) {
 *     insertOrder(c, userId, "sku-42");
 *   }
 *   c.commit();
 * }
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * The same steps and outcomes as {@link StockReservations} on {@link JdbcBackend#stockStore()}:
 * the conditional update takes the item's row lock, which the caller's transaction then holds
 * until it ends, so concurrent buyers of one item queue behind it (keep the transaction short). No
 * statement raises a duplicate-key error, so a PostgreSQL transaction is never aborted by a repeat.
 * The connection is never committed, rolled back or closed here. Thread-safe (the connection, of
 * course, is not).
 */
public final class TransactionalStock {
  private final Database db;
  private final JdbcStockStore store;

  TransactionalStock(Database db, JdbcStockStore store) {
    this.db = db;
    this.store = store;
  }

  /**
   * Reserves units in the caller's transaction, held for {@link StockReservations#DEFAULT_HOLD}.
   *
   * @param connection the caller's connection
   * @param item the item
   * @param holder the user (one per user) or the request (one per request)
   * @param quantity 1 to {@link StockReservations#MAX_QUANTITY}
   * @return reserved, sold out, already reserved or not stocked
   * @throws InvalidInputException if an argument is malformed
   * @throws StoreUnavailableException if a statement fails (roll the transaction back)
   */
  public ReservationResult reserve(Connection connection, String item, String holder, long quantity) {
    return reserve(connection, item, holder, quantity, StockReservations.DEFAULT_HOLD);
  }

  /**
   * Reserves units in the caller's transaction.
   *
   * @param connection the caller's connection
   * @param item the item
   * @param holder the user (one per user) or the request (one per request)
   * @param quantity 1 to {@link StockReservations#MAX_QUANTITY}
   * @param hold how long the units are held unless confirmed: 1 ms to {@link StockReservations#MAX_HOLD}
   * @return reserved, sold out, already reserved or not stocked
   * @throws InvalidInputException if an argument is malformed
   * @throws StoreUnavailableException if a statement fails (roll the transaction back)
   */
  public ReservationResult reserve(Connection connection, String item, String holder, long quantity, Duration hold) {
    StoreArguments.quantity(quantity);
    StoreArguments.hold(hold);
    String id = StockReservations.newId();
    return onHolder("stock-reserve", connection, item, holder, (c, i, h) -> store.reserve(c, i, h, quantity, id, hold));
  }

  /**
   * Releases a reservation's unconfirmed units in the caller's transaction; as
   * {@link StockReservations#release(Reservation)}.
   *
   * @param connection the caller's connection
   * @param reservation what {@link #reserve} returned
   * @return released, not reserved, or already confirmed
   * @throws InvalidInputException if an argument is malformed
   * @throws StoreUnavailableException if a statement fails (roll the transaction back)
   */
  public ReleaseOutcome release(Connection connection, Reservation reservation) {
    Require.nonNull(reservation, "reservation");
    String id = StoreArguments.reservationId(reservation.id());
    return onHolder("stock-release", connection, reservation.item(), reservation.holder(),
        (c, i, h) -> store.release(c, i, h, id));
  }

  /**
   * Confirms a reservation in the caller's transaction; as {@link StockReservations#confirm(Reservation)}.
   *
   * @param connection the caller's connection
   * @param reservation what {@link #reserve} returned
   * @return confirmed, already confirmed, or not reserved
   * @throws InvalidInputException if an argument is malformed
   * @throws StoreUnavailableException if a statement fails (roll the transaction back)
   */
  public ConfirmOutcome confirm(Connection connection, Reservation reservation) {
    Require.nonNull(reservation, "reservation");
    String id = StoreArguments.reservationId(reservation.id());
    return onHolder("stock-confirm", connection, reservation.item(), reservation.holder(),
        (c, i, h) -> store.confirm(c, i, h, id));
  }

  /** A step on one holder's reservation. */
  @FunctionalInterface
  private interface HolderStep<T> {
    T run(Connection c, String item, String holder) throws SQLException;
  }

  private <T> T onHolder(String operation, Connection connection, String item, String holder, HolderStep<T> step) {
    Require.nonNull(connection, "connection");
    String i = StoreArguments.item(item);
    String h = StoreArguments.holder(holder);
    try {
      return step.run(connection, i, h);
    } catch (SQLException e) {
      throw db.unavailable(operation, e);
    }
  }
}
