package dev.idempotency.jdbc;

import dev.idempotency.spi.MarkStore;
import java.sql.PreparedStatement;
import java.time.Duration;

/**
 * Marks (tokens, dedup) in one table each, every operation its own short transaction: a
 * conflict-free insert to mark, a conditional delete to unmark. See {@link TransactionalDedup} for
 * marks in the caller's transaction.
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
    return db.run("mark", c -> TransactionalDedup.mark(db, marks, c, key, ttl));
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
}
