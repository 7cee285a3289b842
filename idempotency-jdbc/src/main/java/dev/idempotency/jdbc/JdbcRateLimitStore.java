package dev.idempotency.jdbc;

import dev.idempotency.internal.Gcra;
import dev.idempotency.spi.RateLimitStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * GCRA arrival times as one row per key, decided in one short transaction on the database's clock:
 * lock the row ({@code FOR UPDATE}) and read the clock with it, compute ({@link Gcra}), write: two
 * statements for a known key. A new key takes three (the locking read that finds nothing, the clock,
 * and an insert that skips a racer's row, after which the racer's row decides). Correct across instances, but for request-rate
 * hot paths prefer Redis or memory.
 */
final class JdbcRateLimitStore implements RateLimitStore {
  /** Not a wait: the key has no row yet. */
  private static final long ABSENT = -1L;

  private final Database db;
  private final StockSql sql;

  JdbcRateLimitStore(Database db, StockSql sql) {
    this.db = db;
    this.sql = sql;
  }

  @Override
  public String name() {
    return db.name();
  }

  @Override
  public long acquire(String key, List<Tier> tiers, long permits) {
    String hash = Database.hash(key);
    // Rows are only ever deleted by the purge of expired ones, so this ends: a key that was
    // created meanwhile is found by the next locking read.
    for (;;) {
      long wait = db.transaction("rate-limit", c -> {
        long[] stored;
        long now;
        try (PreparedStatement ps = c.prepareStatement(sql.lockRate)) {
          ps.setString(1, hash);
          try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              // No insert under this read's lock: on InnoDB it locked the gap, and racing
              // creators would deadlock on each other's gaps. The transaction ends here.
              return ABSENT;
            }
            stored = parse(rs.getString(1));
            now = rs.getLong(2);
          }
        }
        long[] next = Gcra.next(stored, now, tiers, permits);
        if (next == null) {
          return Gcra.wait(stored, now, tiers, permits);
        }
        try (PreparedStatement ps = c.prepareStatement(sql.updateRate)) {
          ps.setString(1, format(next));
          ps.setLong(2, ttlMillis(next, now));
          ps.setString(3, hash);
          ps.executeUpdate();
        }
        return 0L;
      });
      if (wait != ABSENT) {
        return wait;
      }
      Long first = db.run("rate-limit", c -> firstArrival(c, key, hash, tiers, permits));
      if (first != null) {
        return first;
      }
    }
  }

  /**
   * A key's first arrival, with no lock held: its arrival times are inserted unless a racer's are
   * there by now.
   *
   * @return 0 if granted, the wait if the permits exceed what the tiers ever hold, null if a racer
   *     created the key first (then its row decides)
   */
  private Long firstArrival(Connection c, String key, String hash, List<Tier> tiers, long permits)
      throws SQLException {
    long now = now(c);
    long[] next = Gcra.next(null, now, tiers, permits);
    if (next == null) {
      return Gcra.wait(null, now, tiers, permits);
    }
    try (PreparedStatement ps = c.prepareStatement(sql.insertRateIfAbsent)) {
      ps.setString(1, hash);
      ps.setString(2, key);
      ps.setString(3, format(next));
      ps.setLong(4, ttlMillis(next, now));
      return ps.executeUpdate() == 1 ? 0L : null;
    }
  }

  private static long ttlMillis(long[] tats, long now) {
    return Gcra.ttl(tats, now) / 1_000L + 1_000L;
  }

  private long now(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.nowMicros); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Arrival times as stored; a row that does not parse counts as absent (it only ever limits). */
  private static long[] parse(String text) {
    String[] parts = text.split(",");
    long[] tats = new long[parts.length];
    try {
      for (int i = 0; i < parts.length; i++) {
        tats[i] = Long.parseLong(parts[i]);
      }
      return tats;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String format(long[] tats) {
    StringBuilder sb = new StringBuilder();
    for (long t : tats) {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(t);
    }
    return sb.toString();
  }
}
