package dev.idempotency.jdbc;

import dev.idempotency.IdempotencyKey;
import dev.idempotency.StoreUnavailableException;
import dev.idempotency.dedup.DedupResult;
import dev.idempotency.spi.support.Require;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The dedup table in the caller's own connection and transaction: the mark and the business write
 * commit or roll back together, so a message is never marked without being processed, nor processed
 * twice.
 *
 * <pre>{@code
 * try (Connection c = dataSource.getConnection()) {
 *   c.setAutoCommit(false);
 *   if (dedup.markFirst(c, IdempotencyKey.of("order-paid", message.id())) == DedupResult.FIRST) {
 *     shipOrder(c, message.orderId());
 *   }
 *   c.commit();
 * }
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * One conflict-free statement per mark ({@code ON CONFLICT DO UPDATE ... WHERE expired},
 * {@code ON DUPLICATE KEY UPDATE}, {@code MERGE}): a duplicate is an answer, never an error, so it
 * never aborts a PostgreSQL transaction. A concurrent transaction marking the same key waits on the
 * row lock and gets DUPLICATE if the first commits, FIRST if it rolls back. The connection is never
 * committed, rolled back or closed here. Thread-safe (the connection, of course, is not).
 */
public final class TransactionalDedup {
  private final Database db;
  private final Duration retention;

  TransactionalDedup(Database db, Duration retention) {
    this.db = db;
    this.retention = retention;
  }

  /**
   * Marks a key in the caller's transaction.
   *
   * @param connection the caller's connection
   * @param key the key (for example a message id)
   * @return FIRST if this transaction marked it, DUPLICATE if it was marked before
   * @throws StoreUnavailableException if the statement fails (the caller's transaction should then
   *     be rolled back)
   */
  public DedupResult markFirst(Connection connection, IdempotencyKey key) {
    Require.nonNull(connection, "connection");
    Require.nonNull(key, "key");
    try {
      return JdbcMarkStore.mark(db, db.sql().dedupMarks, connection, key.storageKey(), retention) ? DedupResult.FIRST : DedupResult.DUPLICATE;
    } catch (SQLException e) {
      throw db.unavailable("mark", e);
    }
  }
}
