package dev.idempotency.jdbc;

/** The whole contract on MariaDB. */
class MariaDbContractTest extends JdbcContract {

  @Override
  TestDatabase database() {
    return TestDatabase.mariadb();
  }
}
