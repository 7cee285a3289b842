package dev.idempotency.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.idempotency.testkit.BackendFixture;
import java.util.ArrayList;
import java.util.List;

/** Independent backends (each its own HikariCP pool) on one test database, closed after a test. */
final class JdbcClients implements BackendFixture {
  final TestDatabase db;
  private final List<HikariDataSource> pools = new ArrayList<>();

  JdbcClients(TestDatabase db) {
    this.db = db;
  }

  @Override
  public JdbcBackend newClient() {
    return newBackend();
  }

  synchronized JdbcBackend newBackend() {
    HikariDataSource ds = db.newDataSource();
    pools.add(ds);
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

  @Override
  public synchronized void close() {
    pools.forEach(HikariDataSource::close);
    pools.clear();
  }
}
