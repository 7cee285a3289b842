package dev.idempotency.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.idempotency.stock.ReleaseOutcome;
import dev.idempotency.stock.Reservation;
import dev.idempotency.stock.StockLevels;
import dev.idempotency.stock.StockReservations;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tables made by an earlier release, whose holds had neither an id nor an end, are brought up to
 * date when the backend starts: the columns and their index are added, an earlier hold keeps its
 * units (id {@code legacy}, no end) and can still be settled, and new reservations get ids and holds.
 */
class StockHoldsUpgradeTest {

  static Stream<TestDatabase> databases() {
    return Stream.of(TestDatabase.postgres(), TestDatabase.mariadb(), TestDatabase.h2());
  }

  @ParameterizedTest
  @MethodSource("databases")
  void holdsOfAnEarlierReleaseAreKeptAndNewOnesCarryIdsAndHolds(TestDatabase db) throws SQLException {
    String prefix = "up" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
    String engine = db.dialect == Dialect.MYSQL ? " ENGINE=InnoDB" : "";
    try (HikariDataSource ds = db.newDataSource()) {
      try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
        // The shape of stock and stock_holds before reservations had ids.
        s.execute("CREATE TABLE " + prefix + "stock (item_key CHAR(64) NOT NULL PRIMARY KEY, item VARCHAR(256) NOT NULL,"
            + " available BIGINT NOT NULL, reserved BIGINT NOT NULL, confirmed BIGINT NOT NULL)" + engine);
        s.execute("CREATE TABLE " + prefix + "stock_holds (item_key CHAR(64) NOT NULL, holder_key CHAR(64) NOT NULL,"
            + " holder VARCHAR(256) NOT NULL, quantity BIGINT NOT NULL, status SMALLINT NOT NULL,"
            + " PRIMARY KEY (item_key, holder_key))" + engine);
        s.execute("INSERT INTO " + prefix + "stock VALUES ('" + Database.hash("sku") + "', 'sku', 3, 2, 0)");
        s.execute("INSERT INTO " + prefix + "stock_holds VALUES ('" + Database.hash("sku") + "', '"
            + Database.hash("old") + "', 'old', 2, 0)");
      }
      try (JdbcBackend backend = JdbcBackend.builder(ds).dialect(db.dialect).tablePrefix(prefix).createTablesIfMissing(true).build()) {
        StockReservations stock = StockReservations.of(backend.stockStore());
        Reservation old = stock.reservation("sku", "old").orElseThrow();
        assertThat(old).isEqualTo(new Reservation("sku", "old", "legacy", 2, false));
        Reservation alice = stock.reserve("sku", "alice", 3).reservation();
        assertThat(alice.id()).isNotEqualTo("legacy");
        assertThat(stock.levels("sku")).contains(new StockLevels(0, 5, 0));
        assertThat(stock.release(old)).isEqualTo(ReleaseOutcome.RELEASED);
        assertThat(stock.levels("sku")).contains(new StockLevels(2, 3, 0));
      }
      // A second start finds the columns and changes nothing.
      try (JdbcBackend backend = JdbcBackend.builder(ds).dialect(db.dialect).tablePrefix(prefix).createTablesIfMissing(true).build()) {
        assertThat(StockReservations.of(backend.stockStore()).levels("sku")).contains(new StockLevels(2, 3, 0));
      }
    } finally {
      try (HikariDataSource ds = db.newDataSource(); Connection c = ds.getConnection(); Statement s = c.createStatement()) {
        for (String table : new String[] {"records", "tokens", "locks", "dedup", "states", "stock", "stock_holds", "rates"}) {
          s.execute("DROP TABLE IF EXISTS " + prefix + table);
        }
      }
    }
  }
}
