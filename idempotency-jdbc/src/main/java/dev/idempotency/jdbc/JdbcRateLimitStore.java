package dev.idempotency.jdbc;

import dev.idempotency.spi.RateLimitStore;
import dev.idempotency.spi.StoreArguments;
import dev.idempotency.spi.support.Gcra;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * GCRA arrival times as one row per key, decided on the database's clock. A decision is first made
 * optimistically, in auto-commit: one read of the row with the clock, the computation
 * ({@link Gcra}), and a write only if the request is granted, conditional on the arrival times
 * still being those read (a refusal writes nothing; a grant is two statements, neither holding a
 * lock across a round trip). A write that finds the times changed lost a race to a caller that was
 * granted, and the decision is made again; after {@link #OPTIMISTIC_ATTEMPTS} such losses it is
 * made in a short transaction under the row's lock ({@code FOR UPDATE}), which queues the caller
 * behind the others instead of letting it lose forever. Correct across instances, but for
 * request-rate hot paths prefer Redis or memory.
 */
final class JdbcRateLimitStore implements RateLimitStore {
  /** Not a wait: the key has no row yet. */
  private static final long ABSENT = -1L;
  /** Decisions lost to a racer before the caller takes the row's lock. */
  static final int OPTIMISTIC_ATTEMPTS = 3;

  private final Database db;
  private final RateSql sql;

  JdbcRateLimitStore(Database db, RateSql sql) {
    this.db = db;
    this.sql = sql;
  }

  @Override
  public String name() {
    return db.name();
  }

  @Override
  public long acquire(String key, List<Tier> tiers, long permits) {
    StoreArguments.rateLimit(key, tiers, permits);
    String hash = Database.hash(key);
    for (int attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
      Long decided = db.run("rate-limit", c -> optimistic(c, key, hash, tiers, permits));
      if (decided != null) {
        return decided;
      }
    }
    return locked(key, hash, tiers, permits);
  }

  /**
   * One optimistic decision: read, compute, and write only if the stored times are still those read.
   *
   * @return 0 if granted, the wait if refused, null if a racer changed the key meanwhile
   */
  private Long optimistic(Connection c, String key, String hash, List<Tier> tiers, long permits)
      throws SQLException {
    String text;
    long now;
    try (PreparedStatement ps = c.prepareStatement(sql.readRate)) {
      ps.setString(1, hash);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        text = rs.getString(1);
        now = rs.getLong(2);
      }
    }
    if (text == null) {
      return firstArrival(c, key, hash, now, tiers, permits);
    }
    long[] stored = parse(text);
    long[] next = Gcra.next(stored, now, tiers, permits);
    if (next == null) {
      return Gcra.wait(stored, now, tiers, permits);
    }
    try (PreparedStatement ps = c.prepareStatement(sql.swapRate)) {
      ps.setString(1, format(next));
      ps.setLong(2, ttlMillis(next, now));
      ps.setString(3, hash);
      ps.setString(4, text);
      return ps.executeUpdate() == 1 ? 0L : null;
    }
  }

  /** The decision under the row's lock, for a caller that lost the optimistic races. */
  private long locked(String key, String hash, List<Tier> tiers, long permits) {
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
      Long first = db.run("rate-limit", c -> firstArrival(c, key, hash, now(c), tiers, permits));
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
  private Long firstArrival(Connection c, String key, String hash, long now, List<Tier> tiers, long permits)
      throws SQLException {
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
