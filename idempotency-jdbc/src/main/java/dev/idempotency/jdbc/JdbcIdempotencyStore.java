package dev.idempotency.jdbc;

import dev.idempotency.CorruptRecordException;
import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.StoredRecord;
import dev.idempotency.spi.support.Require;
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
 *
 * <p>Its statements run where its {@link Connections} say: each on a pooled connection of its own
 * ({@link JdbcBackend#idempotencyStore()}), or all on the caller's connection, inside the caller's
 * transaction ({@link TransactionalCalls}), where a duplicate's claim waits on the first caller's
 * uncommitted row, bounded by the statement timeout.
 */
final class JdbcIdempotencyStore implements IdempotencyStore {
  private final Database db;
  private final Connections connections;

  JdbcIdempotencyStore(Database db, Connections connections) {
    this.db = db;
    this.connections = connections;
  }

  @Override
  public String name() {
    return db.name();
  }

  @Override
  public int maxPayloadBytes() {
    return db.maxPayloadBytes();
  }

  @Override
  public boolean joinsCallerTransaction() {
    return connections.callerTransaction();
  }

  @Override
  public ClaimResult claim(String key, String fingerprint, Duration lease) {
    String hash = Database.hash(key);
    long leaseMillis = Require.storedMillis(lease, "lease");
    return connections.run("claim", c -> {
      // A live row can expire, or be released, between the upsert and the read: then claim again.
      for (int attempt = 0; attempt < 5; attempt++) {
        if (db.sql().claimOrFind != null) {
          // One statement: a replay is one round trip and one statement.
          try (PreparedStatement ps = c.prepareStatement(db.sql().claimOrFind)) {
            ps.setQueryTimeout(connections.waitSeconds());
            ps.setString(1, hash);
            ps.setString(2, key);
            ps.setString(3, fingerprint);
            ps.setLong(4, leaseMillis);
            for (int i = 0; i < db.sql().claimOrFindHashes; i++) {
              ps.setString(5 + i, hash);
            }
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next()) {
                return rs.getBoolean(1) ? new ClaimResult.Acquired(rs.getLong(4)) : new ClaimResult.Existing(record(rs, 2, hash));
              }
            }
          }
          continue;
        }
        long token = db.returningLong(c, db.sql().claim, connections.waitSeconds(), ps -> {
          ps.setString(1, hash);
          ps.setString(2, key);
          ps.setString(3, fingerprint);
          ps.setLong(4, leaseMillis);
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
    long retentionMillis = Require.storedMillis(retention, "retention");
    return connections.run("complete", c -> {
      try (PreparedStatement ps = c.prepareStatement(db.sql().complete)) {
        ps.setBytes(1, payload);
        ps.setLong(2, retentionMillis);
        ps.setString(3, Database.hash(key));
        ps.setLong(4, fencingToken);
        if (ps.executeUpdate() == 1) {
          return true;
        }
      }
      // A retry whose first attempt committed though its reply was lost finds its own completion.
      try (PreparedStatement ps = c.prepareStatement(db.sql().completedBy)) {
        ps.setString(1, Database.hash(key));
        ps.setLong(2, fencingToken);
        try (java.sql.ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      }
    });
  }

  @Override
  public boolean release(String key, long fencingToken) {
    return connections.run("release", c -> {
      try (PreparedStatement ps = c.prepareStatement(db.sql().release)) {
        ps.setString(1, Database.hash(key));
        ps.setLong(2, fencingToken);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public Optional<StoredRecord> find(String key) {
    return connections.run("find", c -> find(c, Database.hash(key)));
  }

  private Optional<StoredRecord> find(Connection c, String hash) throws SQLException {
    // In the caller's transaction a locking read sees the latest committed row even under MySQL's
    // REPEATABLE READ, whose plain reads would keep showing the snapshot from before the winner committed.
    String statement = connections.callerTransaction() ? db.sql().findLatest : db.sql().find;
    try (PreparedStatement ps = c.prepareStatement(statement)) {
      ps.setString(1, hash);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(record(rs, 1, hash)) : Optional.empty();
      }
    }
  }

  /** The record in a row's columns status, fingerprint, fencing token, payload from {@code first} on. */
  private static StoredRecord record(ResultSet rs, int first, String hash) throws SQLException {
    int status = rs.getInt(first);
    String fingerprint = rs.getString(first + 1);
    long token = rs.getLong(first + 2);
    byte[] payload = rs.getBytes(first + 3);
    if (fingerprint == null || (status == 1 && payload == null)) {
      throw new CorruptRecordException("the record of " + hash + " has no "
          + (fingerprint == null ? "fingerprint" : "payload"), null);
    }
    switch (status) {
      case 0:
        return StoredRecord.inProgress(fingerprint, token);
      case 1:
        return StoredRecord.completed(fingerprint, token, payload);
      default:
        throw new CorruptRecordException("the record of " + hash + " has status " + status, null);
    }
  }
}
