package dev.idempotency.examples.orders.order;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The fence rows of {@code shop_fences}: per lock, the highest fencing token a write under it
 * carried. A write moves its row up to its token inside the write's own transaction, or is refused
 * because a later holder already wrote; the row stays locked until that transaction ends, so fenced
 * writes commit in token order.
 *
 * <p>One statement per write where the database has a conditional upsert: PostgreSQL's {@code INSERT
 * ... ON CONFLICT DO UPDATE ... WHERE} and H2's {@code MERGE ... WHEN MATCHED AND}. Elsewhere
 * (MySQL/MariaDB) the row is created by an insert that ignores a duplicate, outside the transaction,
 * before it ({@link #prepare}): on InnoDB a locking read or an upsert of a missing row locks the gap,
 * and two such transactions that then insert deadlock; and an upsert's affected-rows count cannot
 * tell an equal token from a stale one. Rows known to exist are remembered (at most {@value
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
  private volatile Dialect dialect;

  Fences(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Creates the row of {@code key} if this database needs it done outside the write's transaction.
   * Call before that transaction begins.
   */
  void prepare(String key) {
    if (dialect() != Dialect.OTHER || known.contains(key)) {
      return;
    }
    try {
      jdbc.update("INSERT INTO shop_fences (fence_key, token) VALUES (?, 0)", key);
    } catch (DuplicateKeyException e) {
      // Another writer created it.
    }
    if (known.size() >= KNOWN_ROWS) {
      known.clear();
    }
    known.add(key);
  }

  /**
   * Moves the row of {@code key} up to {@code token}, in the caller's transaction.
   *
   * @throws FencedWriteException if the row holds a higher token: a later holder of the lock wrote
   */
  void advance(String key, long token) {
    boolean moved = switch (dialect()) {
      case POSTGRESQL -> jdbc.update(UPSERT_POSTGRESQL, key, token) == 1;
      case H2 -> mergeH2(key, token);
      case OTHER -> jdbc.update(MOVE_UP, token, key, token) == 1;
    };
    if (!moved) {
      throw new FencedWriteException("a later holder of the lock on " + key + " already wrote (this token: "
          + token + "); the lock was lost while this request was paused");
    }
  }

  private boolean mergeH2(String key, long token) {
    try {
      return jdbc.update(MERGE_H2, key, token) == 1;
    } catch (DuplicateKeyException e) {
      // Two first writers raced to insert the row; the other's is there now. A failed statement
      // leaves an H2 transaction usable.
      return jdbc.update(MOVE_UP, token, key, token) == 1;
    }
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
