package dev.idempotency.jdbc;

/** The whole contract on H2 (in memory). */
class H2ContractTest extends JdbcContract {

  @Override
  TestDatabase database() {
    return TestDatabase.h2();
  }
}
