package dev.idempotency.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;

/**
 * Recognises unique-constraint violations on every supported database, so that "insert the business
 * row, and on a duplicate return the existing one" works anywhere:
 *
 * <pre>{@code
 * Order order = UniqueViolations.insertOrFind(connection,
 *     c -> insertOrder(c, request),            // throws on a duplicate order number
 *     c -> findOrderByNumber(c, request.number()));
 * }</pre>
 *
 * <p>Recognised: SQLState {@code 23505} (PostgreSQL, H2, and the SQL standard); MySQL and MariaDB
 * error codes 1062 ({@code ER_DUP_ENTRY}), 1586 ({@code ER_DUP_ENTRY_WITH_KEY_NAME}) and 1022
 * ({@code ER_DUP_KEY}) under SQLState class 23. The whole cause and next-exception chain is
 * searched, so wrapped and batched exceptions are found too.
 */
public final class UniqueViolations {
  private UniqueViolations() {}

  /**
   * Whether an exception (or one it wraps) reports a unique-constraint violation.
   *
   * @param e the exception
   * @return true for a duplicate key
   */
  public static boolean isUniqueViolation(SQLException e) {
    for (Throwable t = e; t != null; t = next(t)) {
      if (t instanceof SQLException s) {
        String state = s.getSQLState();
        if ("23505".equals(state)) {
          return true;
        }
        int code = s.getErrorCode();
        if ((state == null || state.startsWith("23")) && (code == 1062 || code == 1586 || code == 1022)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Whether an exception reports a deadlock or serialization failure (SQLState class 40, MySQL
   * error 1213): the transaction was rolled back and may be retried as a whole.
   *
   * @param e the exception
   * @return true for a transaction conflict
   */
  public static boolean isTransactionConflict(SQLException e) {
    for (Throwable t = e; t != null; t = next(t)) {
      if (t instanceof SQLException s) {
        String state = s.getSQLState();
        if ((state != null && state.startsWith("40")) || s.getErrorCode() == 1213) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Inserts a row or, if it exists already, finds it, inside the caller's transaction. On a
   * connection that is not in auto-commit mode the insert runs under a savepoint that is rolled back
   * on a duplicate, so the transaction stays usable on PostgreSQL too.
   *
   * @param <T> the row type
   * @param connection the caller's connection
   * @param insert inserts the row and returns it
   * @param find finds the existing row
   * @return the inserted or the existing row
   * @throws SQLException any other failure, or a duplicate whose row {@code find} cannot see
   */
  public static <T> T insertOrFind(Connection connection, SqlCall<T> insert, SqlCall<T> find) throws SQLException {
    boolean transactional = !connection.getAutoCommit();
    Savepoint savepoint = transactional ? connection.setSavepoint() : null;
    try {
      T inserted = insert.run(connection);
      if (savepoint != null) {
        connection.releaseSavepoint(savepoint);
      }
      return inserted;
    } catch (SQLException e) {
      if (!isUniqueViolation(e)) {
        throw e;
      }
      if (savepoint != null) {
        connection.rollback(savepoint);
      }
      T existing = find.run(connection);
      if (existing == null) {
        throw e;
      }
      return existing;
    }
  }

  private static Throwable next(Throwable t) {
    if (t instanceof SQLException s && s.getNextException() != null && s.getNextException() != t) {
      return s.getNextException();
    }
    return t.getCause() == t ? null : t.getCause();
  }
}
