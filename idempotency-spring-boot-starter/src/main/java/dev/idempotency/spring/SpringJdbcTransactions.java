package dev.idempotency.spring;

import dev.idempotency.IdempotencyKey;
import dev.idempotency.InvalidInputException;
import dev.idempotency.dedup.DedupResult;
import dev.idempotency.jdbc.JdbcBackend;
import dev.idempotency.spi.support.Require;
import dev.idempotency.stock.ConfirmOutcome;
import dev.idempotency.stock.ReleaseOutcome;
import dev.idempotency.stock.Reservation;
import dev.idempotency.stock.ReservationResult;
import java.sql.Connection;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceUtils;

/**
 * The JDBC backend's in-transaction strategies on the connection of the current Spring transaction:
 * a dedup mark ({@link dev.idempotency.jdbc.TransactionalDedup}) and stock reservations
 * ({@link dev.idempotency.jdbc.TransactionalStock}) commit or roll back with the caller's rows.
 * Defined by the starter when the JDBC backend is on the application's {@code DataSource}.
 *
 * <pre>{@code
 * @Transactional
 * public void onMessage(OrderMessage m) {
 *   if (transactions.markFirst(IdempotencyKey.of("order-messages", m.id())) == DedupResult.DUPLICATE) {
 *     return;                       // a redelivery: the first delivery's rows are committed already
 *   }
 *   insertOrder(m);                 // same transaction as the mark
 * }
 * }</pre>
 *
 * Every method needs an active Spring transaction on that {@code DataSource}, else it throws
 * {@link InvalidInputException} before writing anything. Thread-safe.
 */
public final class SpringJdbcTransactions {
  private final JdbcBackend backend;
  private final DataSource dataSource;
  private final Duration dedupRetention;

  SpringJdbcTransactions(JdbcBackend backend, DataSource dataSource, Duration dedupRetention) {
    this.backend = backend;
    this.dataSource = dataSource;
    this.dedupRetention = dedupRetention;
  }

  /**
   * Marks a key as seen, in the current transaction: a rollback takes the mark back.
   *
   * @param key the message's or request's key
   * @return FIRST, or DUPLICATE if a committed (or this transaction's) mark exists
   * @throws InvalidInputException if no Spring transaction on the backend's DataSource is active
   */
  public DedupResult markFirst(IdempotencyKey key) {
    Require.nonNull(key, "key");
    return backend.transactionalDedup(dedupRetention).markFirst(connection(), key);
  }

  /**
   * Reserves stock in the current transaction.
   *
   * @param item the item
   * @param holder the holder
   * @param quantity the units
   * @return the outcome
   * @throws InvalidInputException if no Spring transaction on the backend's DataSource is active
   */
  public ReservationResult reserve(String item, String holder, long quantity) {
    return backend.transactionalStock().reserve(connection(), item, holder, quantity);
  }

  /**
   * Releases a reservation in the current transaction.
   *
   * @param reservation what {@link #reserve} returned
   * @return the outcome
   * @throws InvalidInputException if no Spring transaction on the backend's DataSource is active
   */
  public ReleaseOutcome release(Reservation reservation) {
    return backend.transactionalStock().release(connection(), reservation);
  }

  /**
   * Confirms a reservation in the current transaction.
   *
   * @param reservation what {@link #reserve} returned
   * @return the outcome
   * @throws InvalidInputException if no Spring transaction on the backend's DataSource is active
   */
  public ConfirmOutcome confirm(Reservation reservation) {
    return backend.transactionalStock().confirm(connection(), reservation);
  }

  /** The transaction's connection; never released here (the transaction owns it). */
  private Connection connection() {
    if (!SpringTransactionRunner.boundTo(dataSource)) {
      throw new InvalidInputException("transaction", "no Spring transaction on the backend's DataSource is active: "
          + "call this from a @Transactional method");
    }
    return DataSourceUtils.getConnection(dataSource);
  }
}
