package dev.idempotency.jdbc;

import dev.idempotency.IdempotencyException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;

/**
 * Where a store's statements run. {@link #pool} gives each operation a pooled connection of its own,
 * committed by the backend; {@link #caller} runs every statement on the caller's connection, inside
 * the caller's transaction, and never commits, rolls back, closes or changes its auto-commit mode.
 */
interface Connections {

  /** Runs one store operation, translating failures into the library's exceptions. */
  <T> T run(String operation, SqlCall<T> work);

  /** Whether the statements are part of the caller's transaction. */
  boolean callerTransaction();

  /** The timeout of a statement that may wait on another transaction's row, in seconds; 0 for none. */
  int waitSeconds();

  /** Each operation on a pooled connection of its own. */
  static Connections pool(Database db) {
    return new Connections() {
      @Override
      public <T> T run(String operation, SqlCall<T> work) {
        return db.run(operation, work);
      }

      @Override
      public boolean callerTransaction() {
        return false;
      }

      @Override
      public int waitSeconds() {
        return 0;
      }
    };
  }

  /** Every operation on the caller's connection, in its transaction; a row wait is bounded. */
  static Connections caller(Database db, Connection connection, int waitSeconds) {
    return new Connections() {
      @Override
      public <T> T run(String operation, SqlCall<T> work) {
        long deadline = System.nanoTime() + waitSeconds * 1_000_000_000L;
        while (true) {
          try {
            return work.run(connection);
          } catch (SQLException e) {
            if (isWaitTimeout(e)) {
              throw new RowBusyException(e);
            }
            // H2's MERGE reports another transaction's concurrent insert of the key as a duplicate,
            // without aborting this transaction: look again once that one has committed or rolled back.
            if (db.dialect() == Dialect.H2 && UniqueViolations.isUniqueViolation(e)) {
              if (System.nanoTime() > deadline) {
                throw new RowBusyException(e);
              }
              pause();
              continue;
            }
            throw db.unavailable(operation, e);
          }
        }
      }

      @Override
      public boolean callerTransaction() {
        return true;
      }

      @Override
      public int waitSeconds() {
        return waitSeconds;
      }
    };
  }

  private static void pause() {
    try {
      Thread.sleep(10);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RowBusyException(new SQLException("interrupted while waiting for another transaction"));
    }
  }

  /**
   * Whether a statement gave up waiting on a row lock: a statement timeout (PostgreSQL 57014,
   * MariaDB 1969, MySQL 3024, JDBC's {@link SQLTimeoutException}) or a lock timeout (PostgreSQL
   * 55P03, MySQL and MariaDB 1205, H2 50200).
   */
  static boolean isWaitTimeout(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLTimeoutException) {
        return true;
      }
      if (t instanceof SQLException s) {
        String state = s.getSQLState();
        int code = s.getErrorCode();
        if ("57014".equals(state) || "55P03".equals(state) || "HYT00".equals(state) || "70100".equals(state)
            || code == 1205 || code == 1969 || code == 3024 || code == 50200) {
          return true;
        }
      }
    }
    return false;
  }

  /** The caller's statement waited on another transaction's row for longer than allowed. */
  final class RowBusyException extends IdempotencyException {
    private static final long serialVersionUID = 1L;

    RowBusyException(SQLException cause) {
      super("waited too long for another transaction holding the same key", cause);
    }
  }
}
