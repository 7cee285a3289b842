package dev.idempotency.examples.orders.order;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The fence rows of {@code shop_fences}: per lock, the highest fencing token a write under it
 * carried. A write moves its row up to its token in the same transaction as the write, or is refused
 * because a later holder already wrote; the row stays locked until that transaction ends, so fenced
 * writes commit in token order.
 *
 * <p>Where the database can feed one statement's changed rows into another, a fenced insert is one
 * statement, its own transaction: on PostgreSQL the conditional upsert ({@code INSERT ... ON CONFLICT
 * DO UPDATE ... WHERE ... RETURNING}) in a {@code WITH} whose rows the insert selects, on H2 the
 * conditional {@code MERGE ... WHEN MATCHED AND} read as a {@code FINAL TABLE}. A refused fence
 * returns no row, so nothing is inserted; a duplicate of the insert fails the statement, so the fence
 * does not move either. Elsewhere (MySQL/MariaDB) the row is created by an insert that ignores a
 * duplicate, outside the transaction, before it ({@link #prepare}): on InnoDB a locking read or an
 * upsert of a missing row locks the gap, and two such transactions that then insert deadlock; and an
 * upsert's affected-rows count cannot tell an equal token from a stale one. Then the row is moved up
 * and the write made in one transaction. Rows known to exist are remembered (at most {@value
 * #KNOWN_ROWS}; the set is emptied when full, which costs one ignored insert per row again).
 * Thread-safe.
 */
final class Fences {
  static final int KNOWN_ROWS = 100_000;

  private enum Dialect { POSTGRESQL, H2, OTHER }

  private static final String UPSERT_POSTGRESQL = "INSERT INTO shop_fences (fence_key, token) VALUES (?, ?)"
      + " ON CONFLICT (fence_key) DO UPDATE SET token = EXCLUDED.token WHERE shop_fences.token <= EXCLUDED.token";
  private static final String MERGE_H2 = "MERGE INTO shop_fences f"
      + " USING (VALUES (CAST(? AS VARCHAR(200)), CAST(? AS BIGINT))) AS v (fence_key, token)"
      + " ON f.fence_key = v.fence_key"
      + " WHEN MATCHED AND f.token <= v.token THEN UPDATE SET token = v.token"
      + " WHEN NOT MATCHED THEN INSERT (fence_key, token) VALUES (v.fence_key, v.token)";
  private static final String MOVE_UP = "UPDATE shop_fences SET token = ? WHERE fence_key = ? AND token <= ?";

  private final JdbcTemplate jdbc;
  private final Set<String> known = ConcurrentHashMap.newKeySet();
  /** The fenced insert's statement per table and columns, built once (the dialect never changes). */
  private final ConcurrentHashMap<String, String> statements = new ConcurrentHashMap<>();
  private volatile Dialect dialect;

  Fences(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Creates the row of {@code key} (MySQL/MariaDB) before the write's transaction, and outside any
   * the caller has open: there, its row lock would stall the write's.
   */
  private void prepare(String key, TransactionTemplate ownTx) {
    if (known.contains(key)) {
      return;
    }
    Runnable create = () -> {
      try {
        jdbc.update("INSERT INTO shop_fences (fence_key, token) VALUES (?, 0)", key);
      } catch (DuplicateKeyException e) {
        // Another writer created it.
      }
    };
    if (TransactionSynchronizationManager.isActualTransactionActive()) {
      ownTx.executeWithoutResult(status -> create.run());
    } else {
      create.run();
    }
    if (known.size() >= KNOWN_ROWS) {
      known.clear();
    }
    known.add(key);
  }

  /**
   * Inserts one row under the fence of {@code key}: the row's last column takes {@code token}, and the
   * fence row moves up to it; both happen or neither. One statement, its own transaction, on PostgreSQL
   * and H2 when no transaction is active; otherwise (or on another database) in a new transaction of
   * {@code ownTx}, which must start one ({@code REQUIRES_NEW}).
   *
   * @param key the lock's fence row
   * @param token the lock holder's fencing token
   * @param into the table and its columns, the fence column last, as in {@code shop_orders (a, b, fence)}
   * @param values the row's values but the fence, in column order
   * @param ownTx starts a transaction of its own
   * @throws FencedWriteException if the row holds a higher token (a later holder of the lock wrote):
   *     nothing is written
   * @throws DuplicateKeyException if the row breaks a unique key: nothing is written, the fence not
   *     moved
   */
  void insert(String key, long token, String into, Object[] values, TransactionTemplate ownTx) {
    Dialect d = dialect();
    String sql = statements.computeIfAbsent(into, i -> sql(d, i, values.length));
    if (d == Dialect.OTHER) {
      prepare(key, ownTx);
      ownTx.executeWithoutResult(status -> {
        if (jdbc.update(MOVE_UP, token, key, token) != 1) {
          throw refused(key, token);
        }
        jdbc.update(sql, append(values, token));
      });
      return;
    }
    Object[] args = d == Dialect.POSTGRESQL ? prepend(key, token, values) : append(values, key, token);
    Integer written = TransactionSynchronizationManager.isActualTransactionActive()
        ? ownTx.execute(status -> fencedInsert(d, sql, args)) : fencedInsert(d, sql, args);
    if (written == null || written != 1) {
      throw refused(key, token);
    }
  }

  private int fencedInsert(Dialect d, String sql, Object[] args) {
    try {
      return jdbc.update(sql, args);
    } catch (DuplicateKeyException e) {
      if (d != Dialect.H2) {
        throw e;
      }
      // Either two first writers raced to insert the fence row (the other's is there now, and the
      // statement, undone, can run again), or the row is a duplicate (it fails again, as it should).
      return jdbc.update(sql, args);
    }
  }

  private static String sql(Dialect d, String into, int valueCount) {
    String values = "?, ".repeat(valueCount);
    return switch (d) {
      case POSTGRESQL -> "WITH f AS (" + UPSERT_POSTGRESQL + " RETURNING token) INSERT INTO " + into + " SELECT "
          + values + "f.token FROM f";
      case H2 -> "INSERT INTO " + into + " SELECT " + values + "token FROM FINAL TABLE (" + MERGE_H2 + ")";
      case OTHER -> "INSERT INTO " + into + " VALUES (" + values + "?)";
    };
  }

  private static FencedWriteException refused(String key, long token) {
    return new FencedWriteException("a later holder of the lock on " + key + " already wrote (this token: "
        + token + "); the lock was lost while this request was paused");
  }

  private static Object[] append(Object[] values, Object... last) {
    Object[] all = Arrays.copyOf(values, values.length + last.length);
    System.arraycopy(last, 0, all, values.length, last.length);
    return all;
  }

  private static Object[] prepend(Object first, Object second, Object[] values) {
    Object[] all = new Object[values.length + 2];
    all[0] = first;
    all[1] = second;
    System.arraycopy(values, 0, all, 2, values.length);
    return all;
  }

  private Dialect dialect() {
    Dialect d = dialect;
    if (d == null) {
      String product = jdbc.execute((ConnectionCallback<String>) c -> c.getMetaData().getDatabaseProductName());
      String p = product == null ? "" : product.toLowerCase(Locale.ROOT);
      d = p.contains("postgresql") ? Dialect.POSTGRESQL : p.equals("h2") ? Dialect.H2 : Dialect.OTHER;
      dialect = d;
    }
    return d;
  }
}
