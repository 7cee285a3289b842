package dev.idempotency.jdbc;

import dev.idempotency.InvalidInputException;
import dev.idempotency.StoreUnavailableException;
import dev.idempotency.spi.support.Require;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Duration;

/**
 * Pessimistic row locks on the caller's own tables, in the caller's transaction:
 * {@code SELECT ... FOR UPDATE} with a bounded wait, {@code NOWAIT} or {@code SKIP LOCKED}.
 *
 * <pre>{@code
 * RowLocks rows = jdbcBackend.rowLocks();
 * try (Connection c = dataSource.getConnection()) {
 *   c.setAutoCommit(false);
 *   switch (rows.lock(c, "products", "id", 42L, RowLocks.Wait.upTo(Duration.ofMillis(500)))) {
 *     case LOCKED -> { decrementStock(c, 42L); c.commit(); }
 *     case BUSY -> { c.rollback(); throw new TooBusy(); }
 *     case NOT_FOUND -> { c.rollback(); throw new NoSuchProduct(); }
 *   }
 * }
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>LOCKED: this transaction holds the row's exclusive lock until it commits or rolls back.</li>
 *   <li>BUSY: another transaction held it throughout the wait. The attempt runs under a savepoint
 *       that is rolled back, so the caller's transaction stays usable (a PostgreSQL transaction
 *       would otherwise be aborted by the lock error).</li>
 *   <li>NOT_FOUND: no row has that id.</li>
 *   <li>Table and column names are validated identifiers, never interpolated user text; the id is a
 *       bound parameter.</li>
 *   <li>The wait is bounded: milliseconds on PostgreSQL ({@code lock_timeout}), whole seconds
 *       rounded up on MySQL/MariaDB ({@code innodb_lock_wait_timeout}) and H2 ({@code WAIT n}). The
 *       session setting is restored afterwards.</li>
 *   <li>Cost: a bounded wait for a row nobody holds is one statement on PostgreSQL and MariaDB 10.5+
 *       (a first try with {@code SKIP LOCKED} or {@code NOWAIT}, which neither waits nor aborts the
 *       transaction); a held or missing row then takes the savepoint, the setting of the wait and
 *       its restoring, about six round trips.</li>
 * </ul>
 * The connection must not be in auto-commit mode (a lock would end with its statement). Thread-safe
 * (the connection, of course, is not).
 */
public final class RowLocks {
  private final Database db;

  RowLocks(Database db) {
    this.db = db;
  }

  /** What {@link #lock} found. */
  public enum Outcome {
    /** The row is locked by this transaction. */
    LOCKED,
    /** Another transaction holds the row's lock. */
    BUSY,
    /** No row has that id. */
    NOT_FOUND
  }

  /**
   * How long to wait for a row another transaction holds.
   *
   * @param mode how
   * @param timeout the longest wait for {@link Mode#BOUNDED}, otherwise zero
   */
  public record Wait(Mode mode, Duration timeout) {
    /** The ways to wait. */
    public enum Mode {
      /** Fail at once ({@code NOWAIT}). */
      NOWAIT,
      /** Skip a locked row ({@code SKIP LOCKED}): BUSY at once, checked by a second, plain read. */
      SKIP_LOCKED,
      /** Wait up to the timeout. */
      BOUNDED
    }

    /**
     * Validates the wait.
     *
     * @param mode how
     * @param timeout the wait for BOUNDED, positive and at most {@link dev.idempotency.Limits#MAX_WAIT}
     */
    public Wait {
      Require.nonNull(mode, "mode");
      if (mode == Mode.BOUNDED) {
        Require.positive(Require.waitTime(timeout, "timeout"), "timeout");
      } else {
        timeout = Duration.ZERO;
      }
    }

    /**
     * Fail at once if the row is held.
     *
     * @return the wait
     */
    public static Wait noWait() {
      return new Wait(Mode.NOWAIT, Duration.ZERO);
    }

    /**
     * Skip the row if it is held.
     *
     * @return the wait
     */
    public static Wait skipLocked() {
      return new Wait(Mode.SKIP_LOCKED, Duration.ZERO);
    }

    /**
     * Wait at most this long.
     *
     * @param timeout positive
     * @return the wait
     */
    public static Wait upTo(Duration timeout) {
      return new Wait(Mode.BOUNDED, timeout);
    }
  }

  /**
   * Locks one row of the caller's table in the caller's transaction.
   *
   * @param connection the caller's connection, not in auto-commit mode
   * @param table the table (may be schema-qualified)
   * @param idColumn the key column
   * @param id the key value, bound as a parameter
   * @param wait how long to wait for a held row
   * @return locked, busy or not found
   * @throws InvalidInputException if a name is not a valid identifier, the id is null or the
   *     connection is in auto-commit mode
   * @throws StoreUnavailableException if the database fails otherwise
   */
  public Outcome lock(Connection connection, String table, String idColumn, Object id, Wait wait) {
    Require.nonNull(connection, "connection");
    Identifiers.requireNotReserved(table, "table", db.dialect());
    Identifiers.requireNotReserved(idColumn, "idColumn", db.dialect());
    Require.nonNull(id, "id");
    Require.nonNull(wait, "wait");
    try {
      Require.argument(!connection.getAutoCommit(), "connection",
          "is in auto-commit mode; a row lock would end with its own statement");
      String select = "SELECT 1 FROM " + table + " WHERE " + idColumn + " = ?";
      if (wait.mode() == Wait.Mode.BOUNDED && db.sql().rowLockFirstTry != null
          && firstTry(connection, select + db.sql().rowLockFirstTry, id)) {
        return Outcome.LOCKED;
      }
      Savepoint savepoint = connection.setSavepoint();
      try {
        Outcome outcome = attempt(connection, select, id, wait);
        connection.releaseSavepoint(savepoint);
        return outcome;
      } catch (SQLException e) {
        if (!isLockNotAvailable(e)) {
          throw e;
        }
        connection.rollback(savepoint);
        return Outcome.BUSY;
      }
    } catch (SQLException e) {
      throw db.unavailable("row-lock", e);
    }
  }

  /**
   * The uncontended case in one statement: a lock taken without waiting and without an error that
   * would abort the transaction. False when the row is held or missing (then the savepoint and the
   * bounded wait decide); any other failure is thrown, as it would be from the wait itself.
   */
  private static boolean firstTry(Connection c, String statement, Object id) throws SQLException {
    try {
      return locked(c, statement, id);
    } catch (SQLException e) {
      if (isLockNotAvailable(e)) {
        return false;
      }
      throw e;
    }
  }

  private Outcome attempt(Connection c, String select, Object id, Wait wait) throws SQLException {
    switch (wait.mode()) {
      case NOWAIT:
        return locked(c, select + " FOR UPDATE NOWAIT", id) ? Outcome.LOCKED : Outcome.NOT_FOUND;
      case SKIP_LOCKED:
        if (locked(c, select + " FOR UPDATE SKIP LOCKED", id)) {
          return Outcome.LOCKED;
        }
        return locked(c, select, id) ? Outcome.BUSY : Outcome.NOT_FOUND;
      default:
        return bounded(c, select, id, wait.timeout());
    }
  }

  private Outcome bounded(Connection c, String select, Object id, Duration timeout) throws SQLException {
    long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
    switch (db.dialect()) {
      case POSTGRESQL: {
        String previous = scalar(c, "SHOW lock_timeout");
        execute(c, "SET LOCAL lock_timeout = " + Math.max(1, timeout.toMillis()));
        // On failure the transaction is aborted until the savepoint is rolled back, which also
        // undoes the SET LOCAL; only a success restores it here.
        Outcome outcome = locked(c, select + " FOR UPDATE", id) ? Outcome.LOCKED : Outcome.NOT_FOUND;
        restore(c, "SELECT set_config('lock_timeout', ?, true)", previous);
        return outcome;
      }
      case MYSQL: {
        String previous = scalar(c, "SELECT @@SESSION.innodb_lock_wait_timeout");
        execute(c, "SET SESSION innodb_lock_wait_timeout = " + seconds);
        try {
          return locked(c, select + " FOR UPDATE", id) ? Outcome.LOCKED : Outcome.NOT_FOUND;
        } finally {
          execute(c, "SET SESSION innodb_lock_wait_timeout = " + Long.parseLong(previous.trim()));
        }
      }
      default:
        return locked(c, select + " FOR UPDATE WAIT " + seconds, id) ? Outcome.LOCKED : Outcome.NOT_FOUND;
    }
  }

  private static boolean locked(Connection c, String statement, Object id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(statement)) {
      ps.setObject(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static String scalar(Connection c, String statement) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(statement)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static void execute(Connection c, String statement) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  private static void restore(Connection c, String statement, String value) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(statement)) {
      ps.setString(1, value);
      ps.execute();
    }
  }

  /**
   * Whether a failure says the row's lock was not available: PostgreSQL 55P03, MySQL/MariaDB 1205
   * (lock wait timeout) and 3572 (NOWAIT), H2 50200 (lock timeout).
   */
  static boolean isLockNotAvailable(SQLException e) {
    for (SQLException s = e; s != null; s = s.getNextException()) {
      int code = s.getErrorCode();
      if ("55P03".equals(s.getSQLState()) || code == 1205 || code == 3572 || code == 50200) {
        return true;
      }
    }
    return e.getCause() instanceof SQLException cause && cause != e && isLockNotAvailable(cause);
  }
}
