package dev.idempotency.jdbc;

/** The whole contract on PostgreSQL. */
class PostgresContractTest extends JdbcContract {

  @Override
  TestDatabase database() {
    return TestDatabase.postgres();
  }
}
