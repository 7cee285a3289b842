package dev.idempotency.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The soak on PostgreSQL; the fault is {@code pg_terminate_backend} on the store's connections. */
class PostgresSoakTest extends JdbcSoakContract {
  @Override
  TestDatabase db() {
    return TestDatabase.postgres();
  }

  @Override
  String[] storeLogin() {
    return new String[] {db().user, db().password};
  }

  @Override
  int killStoreConnections(Connection admin) throws SQLException {
    try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT COUNT(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '"
            + JdbcSoakTarget.APPLICATION_NAME + "'")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }
}
