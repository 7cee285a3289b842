package dev.idempotency.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Work on a connection that may throw {@link SQLException}.
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface SqlCall<T> {
  /**
   * Runs the work.
   *
   * @param connection the connection
   * @return the result
   * @throws SQLException a database failure
   */
  T run(Connection connection) throws SQLException;
}
