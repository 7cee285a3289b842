package dev.idempotency.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.InvalidInputException;
import dev.idempotency.optimistic.OptimisticRetry;
import dev.idempotency.stock.ReleaseOutcome;
import dev.idempotency.stock.Reservation;
import dev.idempotency.stock.ReservationResult;
import dev.idempotency.stock.StockLevels;
import dev.idempotency.stock.StockReservations;
import dev.idempotency.testkit.Race;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What only JDBC offers, on each database: stock reserved in the caller's transaction, row locks
 * on the caller's table, and optimistic retries on a version column.
 */
abstract class JdbcGuardsContract {
  abstract TestDatabase database();

  private final JdbcClients clients = new JdbcClients(database());
  private final JdbcBackend backend = clients.newBackend();
  private final DataSource pool = clients.newDataSource();
  private final String ns = "g" + UUID.randomUUID().toString().substring(0, 8);

  @AfterEach
  void close() {
    clients.close();
  }

  private Connection tx() throws SQLException {
    Connection c = pool.getConnection();
    c.setAutoCommit(false);
    return c;
  }

  private void insertOrder(Connection c, String id, long version) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + database().ordersTable
        + " (id, status, version, note) VALUES (?, 'NEW', ?, '5')")) {
      ps.setString(1, id);
      ps.setLong(2, version);
      ps.executeUpdate();
    }
  }

  // ---- stock in the caller's transaction ----------------------------------------------------

  @Test
  void aReservationInTheCallersTransactionRollsBackWithIt() throws Exception {
    StockReservations stock = StockReservations.of(backend.stockStore());
    TransactionalStock tx = backend.transactionalStock();
    String sku = ns + ":sku";
    stock.declare(sku, 2);
    try (Connection c = tx()) {
      assertThat(tx.reserve(c, sku, "alice", 1).reserved()).isTrue();
      c.rollback();
    }
    assertThat(stock.levels(sku)).contains(new StockLevels(2, 0, 0));
    assertThat(stock.reservation(sku, "alice")).isEmpty();

    Reservation alice;
    try (Connection c = tx()) {
      alice = tx.reserve(c, sku, "alice", 1).reservation();
      assertThat(alice).isNotNull();
      ReservationResult again = tx.reserve(c, sku, "alice", 1);
      assertThat(again.outcome()).isEqualTo(ReservationResult.Outcome.ALREADY_RESERVED);
      // The transaction is still usable after the repeat (no duplicate-key error aborted it).
      insertOrder(c, ns + "-o1", 1);
      c.commit();
    }
    assertThat(stock.levels(sku)).contains(new StockLevels(1, 1, 0));
    try (Connection c = tx()) {
      assertThat(tx.release(c, alice)).isEqualTo(ReleaseOutcome.RELEASED);
      c.commit();
    }
    assertThat(stock.levels(sku)).contains(new StockLevels(2, 0, 0));
    assertThatThrownBy(() -> tx.reserve(null, sku, "alice", 1)).isInstanceOf(InvalidInputException.class);
    try (Connection c = tx()) {
      assertThatThrownBy(() -> tx.reserve(c, sku, "a\u0000", 1)).isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> tx.reserve(c, sku, "alice", 0)).isInstanceOf(InvalidInputException.class);
      c.rollback();
    }
  }

  // ---- row locks ------------------------------------------------------------------------------

  @Test
  void aRowHeldByAnotherTransactionIsBusyForEveryWaitAndTheCallerCanCarryOn() throws Exception {
    RowLocks rows = backend.rowLocks();
    String id = ns + "-row";
    String table = database().ordersTable;
    try (Connection setup = tx()) {
      insertOrder(setup, id, 1);
      setup.commit();
    }
    try (Connection holder = tx(); Connection other = tx()) {
      assertThat(rows.lock(holder, table, "id", id, RowLocks.Wait.noWait())).isEqualTo(RowLocks.Outcome.LOCKED);
      assertThat(rows.lock(other, table, "id", id, RowLocks.Wait.noWait())).isEqualTo(RowLocks.Outcome.BUSY);
      assertThat(rows.lock(other, table, "id", id, RowLocks.Wait.skipLocked())).isEqualTo(RowLocks.Outcome.BUSY);
      long start = System.nanoTime();
      assertThat(rows.lock(other, table, "id", id, RowLocks.Wait.upTo(Duration.ofMillis(300))))
          .isEqualTo(RowLocks.Outcome.BUSY);
      long waitedMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(waitedMs).isBetween(200L, 5_000L);
      assertThat(rows.lock(other, table, "id", ns + "-missing", RowLocks.Wait.noWait()))
          .isEqualTo(RowLocks.Outcome.NOT_FOUND);
      assertThat(rows.lock(other, table, "id", ns + "-missing", RowLocks.Wait.skipLocked()))
          .isEqualTo(RowLocks.Outcome.NOT_FOUND);
      // The other transaction was not aborted by the lock errors.
      insertOrder(other, ns + "-after-busy", 1);
      other.commit();
      holder.commit();
      assertThat(rows.lock(other, table, "id", id, RowLocks.Wait.upTo(Duration.ofSeconds(1))))
          .isEqualTo(RowLocks.Outcome.LOCKED);
      other.commit();
    }
  }

  @Test
  void rowLocksRefuseBadNamesAndAutoCommitConnections() throws Exception {
    RowLocks rows = backend.rowLocks();
    try (Connection c = tx()) {
      assertThatThrownBy(() -> rows.lock(c, "orders; DROP TABLE x", "id", "1", RowLocks.Wait.noWait()))
          .isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> rows.lock(c, database().ordersTable, "id = id OR 1", "1", RowLocks.Wait.noWait()))
          .isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> rows.lock(c, database().ordersTable, "id", null, RowLocks.Wait.noWait()))
          .isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> RowLocks.Wait.upTo(Duration.ZERO)).isInstanceOf(InvalidInputException.class);
      c.rollback();
    }
    try (Connection auto = pool.getConnection()) {
      auto.setAutoCommit(true);
      assertThatThrownBy(() -> rows.lock(auto, database().ordersTable, "id", "1", RowLocks.Wait.noWait()))
          .isInstanceOf(InvalidInputException.class);
    }
  }

  // ---- optimistic retries ---------------------------------------------------------------------

  private record Versioned(long value, long version) {}

  private Versioned read(Connection c, String id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT note, version FROM " + database().ordersTable + " WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new Versioned(Long.parseLong(rs.getString(1)), rs.getLong(2));
      }
    }
  }

  private boolean write(Connection c, String id, long value, long expectedVersion) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE " + database().ordersTable
        + " SET note = ?, version = version + 1 WHERE id = ? AND version = ?")) {
      ps.setString(1, Long.toString(value));
      ps.setString(2, id);
      ps.setLong(3, expectedVersion);
      return ps.executeUpdate() == 1;
    }
  }

  @Test
  void sixteenThreadsIncrementingWithOptimisticRetriesLoseNoUpdate() throws Exception {
    String id = ns + "-counter";
    try (Connection c = tx()) {
      insertOrder(c, id, 1);
      c.commit();
    }
    OptimisticRetry retry = OptimisticRetry.builder().maxAttempts(100)
        .backoff(Duration.ofMillis(1), Duration.ofMillis(20)).build();
    List<Race.Outcome<OptimisticRetry.Result<Long>>> outcomes = Race.run(16, i -> () -> {
      try (Connection c = pool.getConnection()) {
        c.setAutoCommit(true);
        return retry.run(() -> {
          Versioned v = read(c, id);
          return write(c, id, v.value() + 1, v.version())
              ? OptimisticRetry.Attempt.done(v.value() + 1) : OptimisticRetry.Attempt.conflict();
        });
      }
    });
    assertThat(outcomes).allSatisfy(o -> assertThat(o.failure()).isNull());
    long succeeded = outcomes.stream().filter(o -> o.value().succeeded()).count();
    try (Connection c = pool.getConnection()) {
      Versioned end = read(c, id);
      assertThat(end.value()).isEqualTo(5 + succeeded);
      assertThat(end.version()).isEqualTo(1 + succeeded);
    }
    assertThat(succeeded).isEqualTo(16);
    assertThat(outcomes.stream().mapToInt(o -> o.value().attempts()).sum()).isGreaterThanOrEqualTo(16);
  }

  @Test
  void aValueChangedAndChangedBackStillRefusesTheStaleWrite() throws Exception {
    String id = ns + "-aba";
    try (Connection c = tx()) {
      insertOrder(c, id, 1);
      c.commit();
    }
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(true);
      Versioned stale = read(c, id);
      assertThat(write(c, id, 6, stale.version())).isTrue();
      assertThat(write(c, id, 5, stale.version() + 1)).isTrue();
      assertThat(read(c, id).value()).isEqualTo(stale.value());
      OptimisticRetry.Result<Long> r = OptimisticRetry.builder().maxAttempts(3).backoff(Duration.ZERO, Duration.ZERO).build()
          .run(() -> write(c, id, 99, stale.version()) ? OptimisticRetry.Attempt.done(99L) : OptimisticRetry.Attempt.conflict());
      assertThat(r.succeeded()).isFalse();
      assertThat(r.attempts()).isEqualTo(3);
      assertThat(read(c, id)).isEqualTo(new Versioned(5, 3));
    }
  }
}
