package dev.idempotency.jdbc;

import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.StoredRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * Idempotency records, one row per key. Claim is one conflict-free upsert that inserts, or takes
 * over a row whose expiry has passed, and hands back the new fencing token; if it finds a live row
 * instead, one read returns that row.
 */
final class JdbcIdempotencyStore implements IdempotencyStore {
  private final JdbcBackend db;

  JdbcIdempotencyStore(JdbcBackend db) {
    this.db = db;
  }

  @Override
  public String name() {
    return db.name();
  }

  @Override
  public ClaimResult claim(String key, String fingerprint, Duration lease) {
    String hash = JdbcBackend.hash(key);
    return db.run("claim", c -> {
      // A live row can expire, or be released, between the upsert and the read: then claim again.
      for (int attempt = 0; attempt < 5; attempt++) {
        long token = db.returningLong(c, db.sql().claim, ps -> {
          ps.setString(1, hash);
          ps.setString(2, key);
          ps.setString(3, fingerprint);
          ps.setLong(4, Math.max(1, lease.toMillis()));
        });
        if (token > 0) {
          return new ClaimResult.Acquired(token);
        }
        Optional<StoredRecord> existing = find(c, hash);
        if (existing.isPresent()) {
          return new ClaimResult.Existing(existing.get());
        }
      }
      throw new SQLException("claim of " + key + " kept racing with expiries and releases", "40001");
    });
  }

  @Override
  public boolean complete(String key, long fencingToken, byte[] payload, Duration retention) {
    return db.run("complete", c -> {
      try (PreparedStatement ps = c.prepareStatement(db.sql().complete)) {
        ps.setBytes(1, payload);
        ps.setLong(2, Math.max(1, retention.toMillis()));
        ps.setString(3, JdbcBackend.hash(key));
        ps.setLong(4, fencingToken);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public boolean release(String key, long fencingToken) {
    return db.run("release", c -> {
      try (PreparedStatement ps = c.prepareStatement(db.sql().release)) {
        ps.setString(1, JdbcBackend.hash(key));
        ps.setLong(2, fencingToken);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public Optional<StoredRecord> find(String key) {
    return db.run("find", c -> find(c, JdbcBackend.hash(key)));
  }

  private Optional<StoredRecord> find(Connection c, String hash) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(db.sql().find)) {
      ps.setString(1, hash);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        int status = rs.getInt(1);
        String fingerprint = rs.getString(2);
        long token = rs.getLong(3);
        byte[] payload = rs.getBytes(4);
        return Optional.of(status == 1
            ? StoredRecord.completed(fingerprint, token, payload)
            : StoredRecord.inProgress(fingerprint, token));
      }
    }
  }
}
