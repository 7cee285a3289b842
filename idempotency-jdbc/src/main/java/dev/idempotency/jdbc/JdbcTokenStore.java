package dev.idempotency.jdbc;

import dev.idempotency.internal.Require;
import dev.idempotency.spi.TokenStore;
import java.sql.PreparedStatement;
import java.time.Duration;

/** One-time tokens: a conflict-free insert to issue, one conditional delete to consume. */
final class JdbcTokenStore implements TokenStore {
  private final JdbcBackend db;

  JdbcTokenStore(JdbcBackend db) {
    this.db = db;
  }

  @Override
  public String name() {
    return db.name();
  }

  @Override
  public boolean put(String key, Duration ttl) {
    return db.run("issue token", c -> {
      try (PreparedStatement ps = c.prepareStatement(db.sql().tokenPut)) {
        ps.setString(1, JdbcBackend.hash(key));
        ps.setLong(2, Require.storedMillis(ttl, "ttl"));
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public boolean consume(String key) {
    return db.run("consume token", c -> {
      try (PreparedStatement ps = c.prepareStatement(db.sql().tokenConsume)) {
        ps.setString(1, JdbcBackend.hash(key));
        return ps.executeUpdate() == 1;
      }
    });
  }
}
