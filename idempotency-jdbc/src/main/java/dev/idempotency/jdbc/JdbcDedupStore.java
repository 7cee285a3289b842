package dev.idempotency.jdbc;

import dev.idempotency.spi.DedupStore;
import java.sql.PreparedStatement;
import java.time.Duration;

/** The dedup table, each mark its own short transaction; see {@link TransactionalDedup} for the caller's. */
final class JdbcDedupStore implements DedupStore {
  private final JdbcBackend db;

  JdbcDedupStore(JdbcBackend db) {
    this.db = db;
  }

  @Override
  public String name() {
    return db.name();
  }

  @Override
  public boolean markFirst(String key, Duration retention) {
    return db.run("mark", c -> TransactionalDedup.mark(db, c, key, retention));
  }

  @Override
  public boolean remove(String key) {
    return db.run("forget", c -> {
      try (PreparedStatement ps = c.prepareStatement(db.sql().dedupRemove)) {
        ps.setString(1, JdbcBackend.hash(key));
        return ps.executeUpdate() == 1;
      }
    });
  }
}
