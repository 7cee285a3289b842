package dev.idempotency.spring;

import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyListener;
import dev.idempotency.jdbc.JdbcBackend;
import dev.idempotency.spi.Backend;
import javax.sql.DataSource;

/** Builds the transaction-joining runner; loaded only when the JDBC module and spring-jdbc are there. */
final class SpringTransactions {
  private SpringTransactions() {}

  static SpringTransactionRunner runner(Backend backend, IdempotencyEngine engine, IdempotencyListener listener) {
    DataSource dataSource = BackendDataSource.of(backend);
    if (!(backend instanceof JdbcBackend jdbc) || dataSource == null) {
      return new SpringTransactionRunner(engine, null, null);
    }
    return new SpringTransactionRunner(engine,
        jdbc.transactionalCalls().withDefaults(engine.defaults()).withListener(listener), dataSource);
  }

  /** The in-transaction strategies, or null (no bean) unless the JDBC backend is on the application's DataSource. */
  static SpringJdbcTransactions strategies(Backend backend, java.time.Duration retention) {
    DataSource dataSource = BackendDataSource.of(backend);
    return backend instanceof JdbcBackend jdbc && dataSource != null
        ? new SpringJdbcTransactions(jdbc, dataSource, retention) : null;
  }
}
