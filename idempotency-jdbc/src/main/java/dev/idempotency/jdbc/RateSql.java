package dev.idempotency.jdbc;

/**
 * The statements of rate limits, per dialect: {@code <prefix>rates}, one row per limited key with
 * its GCRA arrival times (one per tier, microseconds, comma-separated) and an expiry, all on the
 * database's clock. A row is created by an insert that skips an existing row, never by an insert
 * after a locking read that found nothing (on InnoDB that read locks a gap, and two such
 * transactions deadlock on each other's gap).
 */
final class RateSql {
  final String rates;
  /** A key's arrival times and the database's clock, locked. */
  final String lockRate;
  /** A key's arrival times (null when it has none) and the database's clock, in one unlocked read. */
  final String readRate;
  /** Stores new arrival times if the stored ones are still those read: 1 row if so. */
  final String swapRate;
  /** Inserts a key's first arrival times unless the key has some: 1 row if it was new. */
  final String insertRateIfAbsent;
  final String updateRate;
  final String nowMicros;

  RateSql(Sql sql) {
    this.rates = sql.prefix + "rates";
    lockRate = "SELECT tats, " + sql.nowMicros() + " FROM " + rates + " WHERE key_hash = ? FOR UPDATE";
    String rateColumns = " (key_hash, key_text, tats, expires_at)";
    switch (sql.dialect) {
      case POSTGRESQL:
        insertRateIfAbsent = "INSERT INTO " + rates + rateColumns + " VALUES (?, ?, ?, " + sql.plusMillis()
            + ") ON CONFLICT (key_hash) DO NOTHING";
        break;
      case MYSQL:
        // IGNORE skips the duplicate; every value is validated before, so it hides nothing else.
        insertRateIfAbsent = "INSERT IGNORE INTO " + rates + rateColumns + " VALUES (?, ?, ?, " + sql.plusMillis() + ")";
        break;
      default:
        insertRateIfAbsent = "MERGE INTO " + rates + " r USING (VALUES (CAST(? AS CHAR(64)), CAST(? AS VARCHAR(768)),"
            + " CAST(? AS VARCHAR(200)))) v(k, t, s) ON r.key_hash = v.k WHEN NOT MATCHED THEN INSERT" + rateColumns
            + " VALUES (v.k, v.t, v.s, " + sql.plusMillis() + ")";
        break;
    }
    updateRate = "UPDATE " + rates + " SET tats = ?, expires_at = " + sql.plusMillis() + " WHERE key_hash = ?";
    readRate = "SELECT r.tats, " + sql.nowMicros() + " FROM (SELECT 1 AS one) n LEFT JOIN " + rates
        + " r ON r.key_hash = ?";
    swapRate = updateRate + " AND tats = ?";
    nowMicros = "SELECT " + sql.nowMicros();
  }
}
