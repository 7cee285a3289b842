package dev.idempotency.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.codec.Codecs;
import dev.idempotency.jdbc.JdbcBackend;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What {@code JdbcBackend.purgeExpired} costs on a real database while claims run: a records table
 * of its own filled with N expired completed records (one {@code INSERT ... SELECT}), first calls on
 * fresh keys from one thread throughout, then the purge in batches of 10,000. Prints the purge's
 * time and the first calls' p50 and p99 before and during it. Needs PostgreSQL or MariaDB as the
 * tests find them ({@code IDEMPOTENCY_POSTGRES_URL}, {@code IDEMPOTENCY_MARIADB_URL}, else the local
 * default ports); drops its tables at the end.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.idempotency.benchmarks.PurgeCost postgres 1000000
 * java -cp benchmarks/target/benchmarks.jar dev.idempotency.benchmarks.PurgeCost mariadb 1000000
 * </pre>
 */
public final class PurgeCost {
  private PurgeCost() {}

  /**
   * Runs one measurement.
   *
   * @param args the database ({@code postgres} or {@code mariadb}) and the number of expired rows
   * @throws Exception if a database cannot be reached
   */
  public static void main(String[] args) throws Exception {
    String database = args.length > 0 ? args[0] : "postgres";
    int rows = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    String prefix = "purge" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
    try (HikariDataSource pool = Servers.pool(database, prefix)) {
      JdbcBackend db = JdbcBackend.builder(pool).tablePrefix(prefix).createTablesIfMissing(true).build();
      try {
        long filled = System.nanoTime();
        fill(pool, database, prefix + "records", rows);
        System.out.printf(Locale.ROOT, "%s: %,d expired records written in %.1f s%n", database, rows,
            (System.nanoTime() - filled) / 1e9);
        IdempotencyEngine engine = IdempotencyEngine.builder(db.idempotencyStore()).build();
        List<Long> before = claims(engine, 2_000, null);
        AtomicBoolean purging = new AtomicBoolean(true);
        List<Long> during = new ArrayList<>();
        Thread claimer = new Thread(() -> during.addAll(claims(engine, Long.MAX_VALUE, purging)));
        claimer.start();
        long start = System.nanoTime();
        long purged = db.purgeExpired(10_000);
        double seconds = (System.nanoTime() - start) / 1e9;
        purging.set(false);
        claimer.join();
        System.out.printf(Locale.ROOT, "%s: purged %,d rows in %.1f s (batches of 10,000) while %,d first calls ran;"
            + " first call p50 %.1f ms, p99 %.1f ms during the purge, against p50 %.1f ms, p99 %.1f ms before%n",
            database, purged, seconds, during.size(), pct(during, 50), pct(during, 99), pct(before, 50), pct(before, 99));
      } finally {
        db.close();
        Servers.dropTables(pool, prefix, JdbcBenchmarks.TABLES);
      }
    }
  }

  private static void fill(HikariDataSource pool, String database, String table, int rows) throws Exception {
    String insert = "INSERT INTO " + table + " (key_hash, key_text, status, fingerprint, fencing_token, payload, expires_at) ";
    String sql = "postgres".equals(database)
        ? insert + "SELECT md5(g::text) || md5((g + 1)::text), 'k' || g, 1, 'f', g, NULL, now() - interval '1 hour'"
            + " FROM generate_series(1, " + rows + ") g"
        : insert + "SELECT CONCAT(MD5(seq), MD5(seq + 1)), CONCAT('k', seq), 1, 'f', seq, NULL,"
            + " NOW(3) - INTERVAL 1 HOUR FROM seq_1_to_" + rows;
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
      s.execute("postgres".equals(database) ? "ANALYZE " + table : "ANALYZE TABLE " + table);
    }
  }

  /** First calls on fresh keys, for a time or while a flag is up; the latency of each, in nanoseconds. */
  private static List<Long> claims(IdempotencyEngine engine, long millis, AtomicBoolean flag) {
    List<Long> latencies = new ArrayList<>();
    long end = System.nanoTime() + Math.min(millis, 3_600_000L) * 1_000_000L;
    while (flag == null ? System.nanoTime() < end : flag.get()) {
      long t = System.nanoTime();
      engine.execute(IdempotencyKey.of("purge", UUID.randomUUID().toString()), Fingerprint.none(), Codecs.string(),
          c -> "done");
      latencies.add(System.nanoTime() - t);
    }
    return latencies;
  }

  private static double pct(List<Long> nanos, int p) {
    if (nanos.isEmpty()) {
      return Double.NaN;
    }
    long[] sorted = nanos.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1e6;
  }
}
