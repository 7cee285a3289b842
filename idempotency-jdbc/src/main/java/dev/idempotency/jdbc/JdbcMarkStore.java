package dev.idempotency.jdbc;

import dev.idempotency.spi.MarkStore;
import dev.idempotency.spi.support.Require;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Marks (tokens, dedup) in one table each, every operation its own short transaction: a
 * conflict-free insert to mark, a conditional delete to unmark. See {@link TransactionalDedup} for
 * marks in the caller's transaction, which uses the same statement.
 */
final class JdbcMarkStore implements MarkStore {
  private final Database db;
  private final Sql.Marks marks;

  JdbcMarkStore(Database db, Sql.Marks marks) {
    this.db = db;
    this.marks = marks;
  }

  @Override
  public String name() {
    return db.name();
  }

  @Override
  public boolean mark(String key, Duration ttl) {
    return db.run("mark", c -> mark(db, marks, c, key, ttl));
  }

  @Override
  public boolean unmark(String key) {
    return db.run("unmark", c -> {
      try (PreparedStatement ps = c.prepareStatement(marks.unmark())) {
        ps.setString(1, Database.hash(key));
        return ps.executeUpdate() == 1;
      }
    });
  }

  /** Sets a mark on a connection, in one conflict-free statement; true if this call set it. */
  static boolean mark(Database db, Sql.Marks marks, Connection c, String storageKey, Duration ttl)
      throws SQLException {
    String hash = Database.hash(storageKey);
    if (db.dialect() == Dialect.MYSQL) {
      return db.returningLong(c, marks.mark(), ps -> {
        ps.setString(1, hash);
        ps.setString(2, storageKey);
        ps.setLong(3, Require.storedMillis(ttl, "ttl"));
      }) > 0;
    }
    try (PreparedStatement ps = c.prepareStatement(marks.mark())) {
      ps.setString(1, hash);
      ps.setString(2, storageKey);
      ps.setLong(3, Require.storedMillis(ttl, "ttl"));
      if (db.sql().readsFirst()) {
        ps.setString(4, hash);
      }
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      // H2's MERGE reports a concurrent, committed insert of the same key as a duplicate; H2 does
      // not abort the transaction for it, so the answer is simply DUPLICATE.
      if (db.dialect() == Dialect.H2 && UniqueViolations.isUniqueViolation(e)) {
        return false;
      }
      throw e;
    }
  }
}
