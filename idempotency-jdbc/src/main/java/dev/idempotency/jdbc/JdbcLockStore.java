package dev.idempotency.jdbc;

import dev.idempotency.spi.LockStore;
import dev.idempotency.spi.support.Require;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * Locks on a lock table: one upsert acquires a free or expired lock (or re-enters the owner's), with
 * the fencing token raised past the last one the row has seen; a released lock keeps its row (owner
 * cleared, last token kept) until {@link JdbcBackend#purgeExpired} removes it.
 */
final class JdbcLockStore implements LockStore {
  private final Database db;

  JdbcLockStore(Database db) {
    this.db = db;
  }

  @Override
  public String name() {
    return db.name();
  }

  @Override
  public OptionalLong tryAcquire(String key, String owner, Duration lease) {
    long token = db.run("acquire lock", c -> db.returningLong(c, db.sql().lockAcquire, ps -> {
      ps.setString(1, Database.hash(key));
      ps.setString(2, key);
      ps.setString(3, owner);
      ps.setLong(4, Require.storedMillis(lease, "lease"));
      if (db.sql().readsFirst()) {
        ps.setString(5, Database.hash(key));
        ps.setString(6, owner);
      }
    }));
    return token > 0 ? OptionalLong.of(token) : OptionalLong.empty();
  }

  @Override
  public boolean release(String key, String owner) {
    return db.run("release lock", c -> {
      try (PreparedStatement ps = c.prepareStatement(db.sql().lockRelease)) {
        ps.setString(1, Database.hash(key));
        ps.setString(2, owner);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public boolean extend(String key, String owner, Duration lease) {
    return db.run("extend lock", c -> {
      try (PreparedStatement ps = c.prepareStatement(db.sql().lockExtend)) {
        ps.setLong(1, Require.storedMillis(lease, "lease"));
        ps.setString(2, Database.hash(key));
        ps.setString(3, owner);
        return ps.executeUpdate() == 1;
      }
    });
  }
}
