package dev.idempotency.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The purge of expired rows can walk each table's {@code expires_at} index on every database, as
 * the database's own plan shows. On PostgreSQL the cut-off was {@code clock_timestamp()}, which is
 * volatile and cannot be an index condition: every batch scanned the whole table (1,000,000 expired
 * rows took 17.3 s). The planner is told not to scan sequentially where it can choose, so that the
 * plan shows whether the index is usable, not which path a small table prefers.
 */
class PurgeWalksItsIndexTest {

  static Stream<TestDatabase> databases() {
    return Stream.of(TestDatabase.postgres(), TestDatabase.mariadb(), TestDatabase.h2());
  }

  @ParameterizedTest
  @MethodSource("databases")
  void eachExpiringTablesPurgeCanUseItsExpiryIndex(TestDatabase db) throws SQLException {
    Sql sql = new Sql(db.dialect, db.prefix);
    try (HikariDataSource ds = db.newDataSource(); Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      if (db.dialect == Dialect.POSTGRESQL) {
        s.execute("SET enable_seqscan = off");
      }
      for (String table : sql.expiringTables()) {
        String plan = plan(s, db.dialect, sql.purge(table).replace("?", "100")).toLowerCase(Locale.ROOT);
        String index = (table + "_expires").toLowerCase(Locale.ROOT);
        assertThat(plan).as("the purge plan of " + table).contains(index);
        if (db.dialect == Dialect.POSTGRESQL) {
          assertThat(plan).as("the purge plan of " + table).doesNotContain("seq scan on " + table.toLowerCase(Locale.ROOT));
        }
      }
    }
  }

  private static String plan(Statement s, Dialect dialect, String statement) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (ResultSet rs = s.executeQuery("EXPLAIN " + statement)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= columns; i++) {
          // MariaDB: the key it may use and the one it chose; the others: the plan's text.
          String label = rs.getMetaData().getColumnLabel(i);
          if (dialect != Dialect.MYSQL || label.equalsIgnoreCase("possible_keys") || label.equalsIgnoreCase("key")) {
            row.append(rs.getString(i)).append(' ');
          }
        }
        rows.add(row.toString());
      }
    }
    return String.join("\n", rows);
  }
}
