package dev.idempotency.jdbc;

import java.util.List;

// Size: every statement of records, tokens, locks, dedup marks and states, per dialect, built once
// and read from one place.
/**
 * Every statement the backend runs, per dialect, built once. Each store operation is one
 * conflict-free statement; time is always the database's ({@code clock_timestamp()},
 * {@code UTC_TIMESTAMP(3)}, {@code CURRENT_TIMESTAMP(3)}), never a value sent from the JVM.
 *
 * <p>MySQL and MariaDB have no {@code RETURNING}: statements that must hand back a number (a
 * fencing token, a version, a first-seen flag) set it with {@code LAST_INSERT_ID(expr)}, which the
 * server returns in the OK packet and the driver exposes as the generated key; a losing path sets
 * {@code LAST_INSERT_ID(0)}. Their {@code ON DUPLICATE KEY UPDATE} assigns left to right, each
 * assignment seeing the ones before, so the order of assignments below is deliberate.
 */
final class Sql {
  final Dialect dialect;
  final String records;
  final String tokens;
  final String locks;
  final String dedup;
  final String states;
  final String prefix;

  final String claim;
  /**
   * On PostgreSQL and MariaDB (null elsewhere): the claim and, when it did not take the key, the
   * live record it found, in one statement. Rows: acquired, status, fingerprint, fencing token,
   * payload; none if the record expired or was released in between (then claim again).
   */
  final String claimOrFind;
  /**
   * The parameters of {@link #claimOrFind}: the key's hash, its text, the fingerprint and the lease
   * in milliseconds, then the key's hash again this many times.
   */
  final int claimOrFindHashes;
  final String complete;
  final String completedBy;
  final String release;
  final String find;
  final String findLatest;
  final Marks tokenMarks;
  final Marks dedupMarks;
  /**
   * Parameters: the key's hash, its text, the owner, the lease in milliseconds and, on PostgreSQL
   * ({@link #readsFirst()}), the key's hash and the owner again.
   */
  final String lockAcquire;
  final String lockRelease;
  final String lockExtend;
  /**
   * Appended to a row lock's {@code SELECT} for a first try that neither waits nor aborts the
   * caller's transaction, or null where there is none: {@code FOR UPDATE SKIP LOCKED} on
   * PostgreSQL, {@code FOR UPDATE NOWAIT} on MariaDB 10.5+ (whose statement errors leave the
   * transaction as it was).
   */
  final String rowLockFirstTry;

  Sql(Dialect dialect, String prefix) {
    this(dialect, prefix, false);
  }

  /**
   * The statements of a dialect.
   *
   * @param dialect the dialect
   * @param prefix the tables' prefix
   * @param insertReturning whether a MySQL-dialect database takes {@code INSERT ... RETURNING}
   *     (MariaDB 10.5 and later), so a claim can read the record it found in the same statement
   */
  Sql(Dialect dialect, String prefix, boolean insertReturning) {
    this.dialect = dialect;
    this.prefix = prefix;
    this.records = prefix + "records";
    this.tokens = prefix + "tokens";
    this.locks = prefix + "locks";
    this.dedup = prefix + "dedup";
    this.states = prefix + "states";
    String now = now();
    String plus = plusMillis();
    String micros = nowMicros();
    switch (dialect) {
      case POSTGRESQL:
        String intoRecords = "INSERT INTO " + records
            + " AS r (key_hash, key_text, status, fingerprint, fencing_token, payload, expires_at)";
        // An expired record is taken over, its fencing token moved past the last one.
        String takeOverExpired = " ON CONFLICT (key_hash) DO UPDATE SET key_text = EXCLUDED.key_text, status = 0,"
            + " fingerprint = EXCLUDED.fingerprint, fencing_token = GREATEST(EXCLUDED.fencing_token, r.fencing_token + 1),"
            + " payload = NULL, expires_at = EXCLUDED.expires_at WHERE r.expires_at <= " + now
            + " RETURNING fencing_token";
        claim = intoRecords + " VALUES (?, ?, 0, ?, " + micros + ", NULL, " + plus + ")" + takeOverExpired;
        // A live record is read, never upserted: ON CONFLICT DO UPDATE locks the row it finds even
        // when its WHERE refuses the update, which gives a replay a transaction id, a WAL record and
        // a commit flush, and queues concurrent replays of one key on the row. So the insert runs
        // only when the snapshot holds no live record. Both reads see the statement's snapshot: a
        // row committed while the insert waited on it is not in it, and the store claims again (as
        // when a row expires between the two).
        claimOrFind = "WITH c AS (" + intoRecords
            + " SELECT ?, ?, 0, ?, " + micros + ", NULL, " + plus
            + " WHERE NOT EXISTS (SELECT 1 FROM " + records + " WHERE key_hash = ? AND expires_at > " + now + ")"
            + takeOverExpired + ")"
            + " SELECT TRUE, 0, NULL, fencing_token, NULL FROM c"
            + " UNION ALL SELECT FALSE, status, fingerprint, fencing_token, payload FROM " + records
            + " WHERE key_hash = ? AND expires_at > " + now + " AND NOT EXISTS (SELECT 1 FROM c)";
        claimOrFindHashes = 2;
        // A lock held by another owner is only read (see claimOrFind): a busy acquisition neither
        // locks the row nor writes.
        lockAcquire = "INSERT INTO " + locks + " AS l (key_hash, key_text, owner, holds, fencing_token, expires_at)"
            + " SELECT ?, ?, ?, 1, " + micros + ", " + plus
            + " WHERE NOT EXISTS (SELECT 1 FROM " + locks + " WHERE key_hash = ? AND expires_at > " + now
            + " AND owner IS DISTINCT FROM ?)"
            + " ON CONFLICT (key_hash) DO UPDATE SET"
            + " holds = CASE WHEN l.owner = EXCLUDED.owner AND l.expires_at > " + now + " THEN l.holds + 1 ELSE 1 END,"
            + " fencing_token = CASE WHEN l.owner = EXCLUDED.owner AND l.expires_at > " + now
            + " THEN l.fencing_token ELSE GREATEST(EXCLUDED.fencing_token, l.fencing_token + 1) END,"
            + " owner = EXCLUDED.owner, key_text = EXCLUDED.key_text, expires_at = EXCLUDED.expires_at"
            + " WHERE l.expires_at <= " + now + " OR l.owner = EXCLUDED.owner"
            + " RETURNING fencing_token";
        break;
      case MYSQL:
        String expired = "expires_at <= " + now;
        claim = "INSERT INTO " + records + " (key_hash, key_text, status, fingerprint, fencing_token, payload, expires_at)"
            + " VALUES (?, ?, 0, ?, LAST_INSERT_ID(" + micros + "), NULL, " + plus + ")"
            + " ON DUPLICATE KEY UPDATE"
            + " fencing_token = IF(" + expired + ", LAST_INSERT_ID(GREATEST(VALUES(fencing_token), fencing_token + 1)),"
            + " fencing_token + LAST_INSERT_ID(0)),"
            + " key_text = IF(" + expired + ", VALUES(key_text), key_text),"
            + " status = IF(" + expired + ", 0, status),"
            + " fingerprint = IF(" + expired + ", VALUES(fingerprint), fingerprint),"
            + " payload = IF(" + expired + ", NULL, payload),"
            + " expires_at = IF(" + expired + ", VALUES(expires_at), expires_at)";
        // MariaDB returns the row as the statement left it: the new claim (LAST_INSERT_ID is its
        // token) or the live record it found (LAST_INSERT_ID was set to 0), read under the row's lock.
        claimOrFind = insertReturning
            ? claim + " RETURNING LAST_INSERT_ID() > 0, status, fingerprint, fencing_token, payload" : null;
        claimOrFindHashes = 0;
        String reenter = "owner = VALUES(owner) AND expires_at > " + now;
        lockAcquire = "INSERT INTO " + locks + " (key_hash, key_text, owner, holds, fencing_token, expires_at)"
            + " VALUES (?, ?, ?, 1, LAST_INSERT_ID(" + micros + "), " + plus + ")"
            + " ON DUPLICATE KEY UPDATE"
            + " fencing_token = IF(" + reenter + ", LAST_INSERT_ID(fencing_token), IF(" + expired
            + ", LAST_INSERT_ID(GREATEST(VALUES(fencing_token), fencing_token + 1)), fencing_token + LAST_INSERT_ID(0))),"
            + " holds = IF(" + reenter + ", holds + 1, IF(" + expired + ", 1, holds)),"
            + " key_text = IF(owner = VALUES(owner) OR " + expired + ", VALUES(key_text), key_text),"
            // owner before expires_at: afterwards "owner = VALUES(owner)" holds exactly when acquired.
            + " owner = IF(owner = VALUES(owner) OR " + expired + ", VALUES(owner), owner),"
            + " expires_at = IF(owner = VALUES(owner), VALUES(expires_at), expires_at)";
        break;
      case H2:
      default:
        claimOrFind = null;
        claimOrFindHashes = 0;
        claim = "SELECT fencing_token FROM FINAL TABLE (MERGE INTO " + records + " r USING (VALUES ("
            + "CAST(? AS CHAR(64)), CAST(? AS VARCHAR(768)), CAST(? AS VARCHAR(64)), " + micros + ", " + plus + "))"
            + " s(key_hash, key_text, fingerprint, fencing_token, expires_at) ON r.key_hash = s.key_hash"
            + " WHEN MATCHED AND r.expires_at <= " + now + " THEN UPDATE SET key_text = s.key_text, status = 0,"
            + " fingerprint = s.fingerprint, fencing_token = GREATEST(s.fencing_token, r.fencing_token + 1),"
            + " payload = NULL, expires_at = s.expires_at"
            + " WHEN NOT MATCHED THEN INSERT (key_hash, key_text, status, fingerprint, fencing_token, payload, expires_at)"
            + " VALUES (s.key_hash, s.key_text, 0, s.fingerprint, s.fencing_token, NULL, s.expires_at))";
        lockAcquire = "SELECT fencing_token FROM FINAL TABLE (MERGE INTO " + locks + " l USING (VALUES ("
            + "CAST(? AS CHAR(64)), CAST(? AS VARCHAR(768)), CAST(? AS VARCHAR(128)), " + micros + ", " + plus + "))"
            + " s(key_hash, key_text, owner, fencing_token, expires_at) ON l.key_hash = s.key_hash"
            + " WHEN MATCHED AND l.owner = s.owner AND l.expires_at > " + now
            + " THEN UPDATE SET holds = l.holds + 1, expires_at = s.expires_at"
            + " WHEN MATCHED AND l.expires_at <= " + now + " THEN UPDATE SET owner = s.owner, key_text = s.key_text,"
            + " holds = 1, fencing_token = GREATEST(s.fencing_token, l.fencing_token + 1), expires_at = s.expires_at"
            + " WHEN NOT MATCHED THEN INSERT (key_hash, key_text, owner, holds, fencing_token, expires_at)"
            + " VALUES (s.key_hash, s.key_text, s.owner, 1, s.fencing_token, s.expires_at))";
        break;
    }
    // The owner completes or releases only within its lease (contract section 1, late completion):
    // from the lease's end another caller may be running the action, whatever this row still says.
    complete = "UPDATE " + records + " SET status = 1, payload = ?, expires_at = " + plus
        + " WHERE key_hash = ? AND status = 0 AND fencing_token = ? AND expires_at > " + now;
    release = "DELETE FROM " + records + " WHERE key_hash = ? AND status = 0 AND fencing_token = ? AND expires_at > " + now;
    completedBy = "SELECT 1 FROM " + records + " WHERE key_hash = ? AND status = 1 AND fencing_token = ?";
    find = "SELECT status, fingerprint, fencing_token, payload FROM " + records + " WHERE key_hash = ? AND expires_at > " + now;
    findLatest = find + (dialect == Dialect.MYSQL ? " LOCK IN SHARE MODE" : "");
    tokenMarks = marks(tokens);
    dedupMarks = marks(dedup);
    // Assignments in this order are right under both semantics: standard SQL reads the old values,
    // MySQL reads left to right, and holds is changed last.
    lockRelease = "UPDATE " + locks + " SET owner = CASE WHEN holds <= 1 THEN NULL ELSE owner END,"
        + " expires_at = CASE WHEN holds <= 1 THEN " + now + " ELSE expires_at END, holds = holds - 1"
        + " WHERE key_hash = ? AND owner = ? AND expires_at > " + now;
    rowLockFirstTry = dialect == Dialect.POSTGRESQL ? " FOR UPDATE SKIP LOCKED"
        : dialect == Dialect.MYSQL && insertReturning ? " FOR UPDATE NOWAIT" : null;
    lockExtend = "UPDATE " + locks + " SET expires_at = " + plus + " WHERE key_hash = ? AND owner = ? AND expires_at > " + now;
  }

  /**
   * The statements of a mark table ({@code key_hash, key_text, marker, expires_at}): a mark inserts,
   * or replaces an expired row, in one conflict-free statement; an unmark deletes a live row.
   *
   * @param table the table
   * @param mark sets a mark; affects one row (PostgreSQL, H2) or sets LAST_INSERT_ID(1) (MySQL) when it did.
   *     Parameters: the key's hash, its text, the time to live in milliseconds and, on PostgreSQL
   *     ({@link #readsFirst()}), the key's hash again
   * @param unmark removes a live mark
   */
  record Marks(String table, String mark, String unmark) {}

  private Marks marks(String table) {
    String now = now();
    String plus = plusMillis();
    String expired = "expires_at <= " + now;
    String mark;
    switch (dialect) {
      case POSTGRESQL:
        // A live mark is only read (see claimOrFind): a duplicate neither locks the row nor writes.
        mark = "INSERT INTO " + table + " AS d (key_hash, key_text, expires_at) SELECT ?, ?, " + plus
            + " WHERE NOT EXISTS (SELECT 1 FROM " + table + " WHERE key_hash = ? AND expires_at > " + now + ")"
            + " ON CONFLICT (key_hash) DO UPDATE SET key_text = EXCLUDED.key_text, expires_at = EXCLUDED.expires_at"
            + " WHERE d.expires_at <= " + now;
        break;
      case MYSQL:
        mark = "INSERT INTO " + table + " (key_hash, key_text, marker, expires_at) VALUES (?, ?, LAST_INSERT_ID(1), " + plus + ")"
            + " ON DUPLICATE KEY UPDATE"
            + " marker = IF(" + expired + ", LAST_INSERT_ID(1), marker + LAST_INSERT_ID(0)),"
            + " key_text = IF(" + expired + ", VALUES(key_text), key_text),"
            + " expires_at = IF(" + expired + ", VALUES(expires_at), expires_at)";
        break;
      default:
        mark = "MERGE INTO " + table + " d USING (VALUES (CAST(? AS CHAR(64)), CAST(? AS VARCHAR(768)), " + plus + "))"
            + " s(key_hash, key_text, expires_at) ON d.key_hash = s.key_hash"
            + " WHEN MATCHED AND d.expires_at <= " + now + " THEN UPDATE SET key_text = s.key_text, expires_at = s.expires_at"
            + " WHEN NOT MATCHED THEN INSERT (key_hash, key_text, expires_at) VALUES (s.key_hash, s.key_text, s.expires_at)";
        break;
    }
    return new Marks(table, mark, "DELETE FROM " + table + " WHERE key_hash = ? AND expires_at > " + now);
  }

  /**
   * Whether the upserts of marks and locks read the live row before they insert (PostgreSQL, whose
   * {@code ON CONFLICT DO UPDATE} locks the row it finds even when it updates nothing), and so take
   * the trailing parameters their Javadoc names.
   */
  boolean readsFirst() {
    return dialect == Dialect.POSTGRESQL;
  }

  /** Whether a statement returns its number as a result set (RETURNING, FINAL TABLE) rather than a generated key. */
  boolean returnsRows() {
    return dialect != Dialect.MYSQL;
  }

  String now() {
    switch (dialect) {
      case POSTGRESQL:
        return "clock_timestamp()";
      case MYSQL:
        return "UTC_TIMESTAMP(3)";
      default:
        return "CURRENT_TIMESTAMP(3)";
    }
  }

  /** The database's now plus a number of milliseconds given as a parameter. */
  String plusMillis() {
    switch (dialect) {
      case POSTGRESQL:
        return "clock_timestamp() + CAST(? AS BIGINT) * INTERVAL '1 millisecond'";
      case MYSQL:
        return "TIMESTAMPADD(MICROSECOND, CAST(? AS SIGNED) * 1000, UTC_TIMESTAMP(3))";
      default:
        return "DATEADD(MILLISECOND, CAST(? AS BIGINT), CURRENT_TIMESTAMP(3))";
    }
  }

  /** The database's clock in microseconds since the epoch: the seed of fresh fencing tokens. */
  String nowMicros() {
    switch (dialect) {
      case POSTGRESQL:
        return "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000 AS BIGINT)";
      case MYSQL:
        return "TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', UTC_TIMESTAMP(6))";
      default:
        return "CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP(6)) * 1000000 AS BIGINT)";
    }
  }

  /**
   * Deletes up to {@code ?} expired rows of a table, walking its {@code expires_at} index. The
   * cut-off is a time the database holds still for the statement: PostgreSQL's transaction time
   * (each batch is its own transaction), never {@code clock_timestamp()}, which is volatile, so a
   * comparison with it cannot be an index condition; and the batch's rows are then deleted by
   * primary key.
   */
  String purge(String table) {
    switch (dialect) {
      case POSTGRESQL:
        // = ANY (ARRAY(...)) looks the batch up by primary key; IN (SELECT ...) was planned as a
        // hash join over a sequential scan of the whole table, for every batch.
        return "DELETE FROM " + table + " WHERE key_hash = ANY (ARRAY(SELECT key_hash FROM " + table
            + " WHERE expires_at <= CURRENT_TIMESTAMP LIMIT ?))";
      case MYSQL:
        return "DELETE FROM " + table + " WHERE expires_at <= " + now() + " LIMIT ?";
      default:
        return "DELETE FROM " + table + " WHERE expires_at <= " + now() + " FETCH FIRST ? ROWS ONLY";
    }
  }

  /** The tables whose rows expire, for purging. */
  List<String> expiringTables() {
    return List.of(records, tokens, locks, dedup, prefix + "rates");
  }
}
