package dev.idempotency.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The soak on MariaDB; the store logs in as a user of its own (with a password), and the fault is
 * {@code KILL} on that user's connections.
 */
class MariaDbSoakTest extends JdbcSoakContract {
  static final String USER = "idem_soak";
  private static String password;

  @Override
  TestDatabase db() {
    return TestDatabase.mariadb();
  }

  @Override
  synchronized String[] storeLogin() {
    if (password == null) {
      password = "soak-" + UUID.randomUUID();
      try (Connection c = db().connect(); Statement s = c.createStatement()) {
        s.execute("CREATE USER IF NOT EXISTS '" + USER + "'@'%'");
        s.execute("ALTER USER '" + USER + "'@'%' IDENTIFIED BY '" + password + "'");
        s.execute("GRANT ALL PRIVILEGES ON " + c.getCatalog() + ".* TO '" + USER + "'@'%'");
      } catch (SQLException e) {
        throw new IllegalStateException("cannot create the soak's MariaDB user", e);
      }
    }
    return new String[] {USER, password};
  }

  @Override
  int killStoreConnections(Connection admin) throws SQLException {
    List<Long> ids = new ArrayList<>();
    try (Statement s = admin.createStatement();
        ResultSet rs = s.executeQuery("SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '" + USER + "'")) {
      while (rs.next()) {
        ids.add(rs.getLong(1));
      }
    }
    int killed = 0;
    for (long id : ids) {
      try (Statement s = admin.createStatement()) {
        s.execute("KILL " + id);
        killed++;
      } catch (SQLException gone) {
        // the connection ended by itself meanwhile
      }
    }
    return killed;
  }
}
