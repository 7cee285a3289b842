package dev.idempotency.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.idempotency.testkit.BackendFixture;
import java.util.ArrayList;
import java.util.List;

/**
 * Independent backends (each its own HikariCP pool) on one test database. After a test its pools go
 * back to the database for later tests' clients (still independent within each test); a test that
 * closed a pool has it dropped.
 */
final class JdbcClients implements BackendFixture {
  final TestDatabase db;
  private final List<HikariDataSource> pools = new ArrayList<>();
  /** The backends' pools, given back after the test; a test's own pools ({@link #newDataSource}) are closed. */
  private final List<HikariDataSource> borrowed = new ArrayList<>();

  JdbcClients(TestDatabase db) {
    this.db = db;
  }

  @Override
  public JdbcBackend newClient() {
    return newBackend();
  }

  synchronized JdbcBackend newBackend() {
    HikariDataSource ds = db.borrowDataSource();
    borrowed.add(ds);
    return JdbcBackend.builder(ds).tablePrefix(db.prefix).build();
  }

  synchronized HikariDataSource newDataSource() {
    HikariDataSource ds = db.newDataSource();
    pools.add(ds);
    return ds;
  }

  StateTable orders() {
    return StateTable.of(db.ordersTable).withFencingColumn("fence");
  }

  /** Rows in this run's tables of the backend (expired rows included: a refused call writes none). */
  @Override
  public long storedEntries() {
    long n = 0;
    try (java.sql.Connection c = db.connect(); java.sql.Statement s = c.createStatement()) {
      for (String t : List.of("records", "tokens", "locks", "dedup", "states", "stock", "stock_holds", "rates")) {
        try (java.sql.ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + db.prefix + t)) {
          rs.next();
          n += rs.getLong(1);
        }
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("cannot count the rows of " + db.prefix + "*", e);
    }
    return n;
  }

  @Override
  public synchronized void close() {
    pools.forEach(HikariDataSource::close);
    pools.clear();
    borrowed.forEach(db::giveBack);
    borrowed.clear();
  }
}
