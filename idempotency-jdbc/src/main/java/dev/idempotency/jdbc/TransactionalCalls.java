package dev.idempotency.jdbc;

import dev.idempotency.CallOptions;
import dev.idempotency.CallResult;
import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyEvent;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.IdempotencyListener;
import dev.idempotency.IdempotentAction;
import dev.idempotency.InvalidInputException;
import dev.idempotency.RequestInProgressException;
import dev.idempotency.codec.ResultCodec;
import dev.idempotency.spi.support.Listeners;
import dev.idempotency.spi.support.Require;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The idempotent call inside the caller's own transaction and connection: the claim, the action's
 * writes and the stored result commit or roll back together.
 *
 * <pre>{@code
 * TransactionalCalls calls = db.transactionalCalls();
 * try (Connection c = dataSource.getConnection()) {
 *   c.setAutoCommit(false);
 *   CallResult<String> order = calls.execute(c, IdempotencyKey.of("orders", userId, requestKey),
 *       Fingerprint.sha256(body), Codecs.string(), claim -> insertOrder(c, body));
 *   c.commit();
 * }
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>Exactly once, with no window in which a result can be lost: a rollback leaves no record (a
 *       retry runs the action again, as it should, since nothing it wrote survived), and a commit
 *       stores the result with the action's writes. The engine's logic is the same as out of a
 *       transaction (fingerprints, replay, terminal failures), but a store failure at completion, or
 *       a result that cannot be stored, fails the call instead of being retried or swallowed: roll
 *       back.</li>
 *   <li>A concurrent duplicate's claim waits on the first transaction's uncommitted row, at most the
 *       row wait: it then replays the committed result, or takes over after a rollback. A wait that
 *       runs out is {@link RequestInProgressException}; on PostgreSQL the transaction is then
 *       aborted and must be rolled back.</li>
 *   <li>The connection is never committed, rolled back, closed, or switched to auto-commit here.</li>
 * </ul>
 *
 * <p>Use READ COMMITTED (the default of PostgreSQL and H2) or MySQL's default REPEATABLE READ; the
 * record is read with a locking read where a snapshot could hide the committed row. Prefer this mode
 * whenever the action's effects are rows in the same database; use the plain engine when they are
 * not (a payment provider's API, a message sent). Immutable and thread-safe (a connection, of course,
 * is not).
 */
public final class TransactionalCalls {
  static final Duration DEFAULT_ROW_WAIT = Duration.ofSeconds(10);

  private final Database db;
  private final CallOptions defaults;
  private final IdempotencyListener listener;
  private final Duration rowWait;

  TransactionalCalls(Database db, CallOptions defaults, IdempotencyListener listener, Duration rowWait) {
    this.db = db;
    this.defaults = defaults;
    this.listener = listener;
    this.rowWait = rowWait;
  }

  /**
   * The same calls with other default options.
   *
   * @param options the options calls use unless they pass their own
   * @return a new instance
   */
  public TransactionalCalls withDefaults(CallOptions options) {
    return new TransactionalCalls(db, Require.nonNull(options, "defaults"), listener, rowWait);
  }

  /**
   * The same calls reporting to a listener.
   *
   * @param listener the listener
   * @return a new instance
   */
  public TransactionalCalls withListener(IdempotencyListener listener) {
    return new TransactionalCalls(db, defaults, Require.nonNull(listener, "listener"), rowWait);
  }

  /**
   * The same calls with another bound on a duplicate's wait for the first transaction.
   *
   * @param wait from 1 second (statement timeouts are whole seconds) to {@link dev.idempotency.Limits#MAX_WAIT}
   * @return a new instance
   */
  public TransactionalCalls withRowWait(Duration wait) {
    Require.waitTime(wait, "rowWait");
    Require.argument(wait.compareTo(Duration.ofSeconds(1)) >= 0, "rowWait", "must be at least 1 second, was " + wait);
    return new TransactionalCalls(db, defaults, listener, wait);
  }

  /**
   * Runs an action once per key, in the caller's transaction, with the default options.
   *
   * @param <T> the result type
   * @param <X> the action's checked exception
   * @param connection the caller's connection, with auto-commit off
   * @param key the operation's key
   * @param fingerprint the request's fingerprint, or {@link Fingerprint#none()}
   * @param codec how the result is stored
   * @param action the work, which should write through the same connection
   * @return the result, fresh or replayed
   * @throws X the action's own failure, unchanged
   * @throws RequestInProgressException if another transaction held the key for longer than the row wait
   * @throws dev.idempotency.IdempotencyException the library's other outcomes (key reused, store
   *     unavailable, result not stored); roll back on any of them
   */
  public <T, X extends Exception> CallResult<T> execute(Connection connection, IdempotencyKey key,
      Fingerprint fingerprint, ResultCodec<T> codec, IdempotentAction<T, X> action) throws X {
    return execute(connection, key, fingerprint, codec, defaults, action);
  }

  /**
   * Runs an action once per key, in the caller's transaction.
   *
   * @param <T> the result type
   * @param <X> the action's checked exception
   * @param connection the caller's connection, with auto-commit off
   * @param key the operation's key
   * @param fingerprint the request's fingerprint, or {@link Fingerprint#none()}
   * @param codec how the result is stored
   * @param options lease, retention, in-progress policy and terminal exceptions for this call
   * @param action the work, which should write through the same connection
   * @return the result, fresh or replayed
   * @throws X the action's own failure, unchanged
   * @throws RequestInProgressException if another transaction held the key for longer than the row wait
   * @throws dev.idempotency.IdempotencyException the library's other outcomes; roll back on any of them
   */
  public <T, X extends Exception> CallResult<T> execute(Connection connection, IdempotencyKey key,
      Fingerprint fingerprint, ResultCodec<T> codec, CallOptions options, IdempotentAction<T, X> action) throws X {
    Require.nonNull(connection, "connection");
    Require.nonNull(key, "key");
    Require.nonNull(options, "options");
    requireTransaction(connection);
    int waitSeconds = (int) Math.max(1, (rowWait.toMillis() + 999) / 1000);
    IdempotencyEngine engine = IdempotencyEngine.builder(
        new JdbcIdempotencyStore(db, Connections.caller(db, connection, waitSeconds)))
        .defaults(options).listener(listener).build();
    try {
      return engine.execute(key, fingerprint, codec, options, action);
    } catch (Connections.RowBusyException e) {
      Listeners.report(listener, IdempotencyEvent.IN_PROGRESS, key.namespace());
      RequestInProgressException busy = new RequestInProgressException(key, "another transaction held key "
          + key + " for longer than " + rowWait + "; roll back and retry");
      busy.initCause(e);
      throw busy;
    }
  }

  private void requireTransaction(Connection connection) {
    boolean autoCommit;
    try {
      autoCommit = connection.getAutoCommit();
    } catch (SQLException e) {
      throw db.unavailable("check the caller's transaction", e);
    }
    if (autoCommit) {
      throw new InvalidInputException("connection", "is in auto-commit mode; the in-transaction call needs "
          + "the caller's transaction (setAutoCommit(false), or a framework-managed transaction)");
    }
  }
}
