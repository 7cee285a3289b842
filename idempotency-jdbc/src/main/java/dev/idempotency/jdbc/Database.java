package dev.idempotency.jdbc;

import dev.idempotency.StoreUnavailableException;
import dev.idempotency.spi.support.Hashing;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every store's statements run, shared by the facade and the stores: the backend's own pool,
 * its statements ({@link Sql}), its name for messages, and the one place where an
 * {@link SQLException} becomes a {@link StoreUnavailableException}. Thread-safe.
 */
final class Database {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  private final DataSource dataSource;
  private final Sql sql;
  private final String name;
  private final int maxPayloadBytes;

  Database(DataSource dataSource, Sql sql, String name, int maxPayloadBytes) {
    this.dataSource = dataSource;
    this.sql = sql;
    this.name = name;
    this.maxPayloadBytes = maxPayloadBytes;
  }

  String name() {
    return name;
  }

  Sql sql() {
    return sql;
  }

  Dialect dialect() {
    return sql.dialect;
  }

  int maxPayloadBytes() {
    return maxPayloadBytes;
  }

  /** The primary key of a storage key: its SHA-256 in hex (collation-proof, fixed length). */
  static String hash(String storageKey) {
    return Hashing.sha256Hex(storageKey);
  }

  /**
   * Runs work on a pooled connection as its own transaction, committing if the pool's connections
   * are not auto-commit. A statement that lost a race on a unique key (H2's MERGE reports a
   * concurrent insert as a duplicate) or was chosen as a deadlock victim wrote nothing, so it is
   * run again (up to 5 times): the retry sees the winner's row.
   */
  <T> T run(String operation, SqlCall<T> work) {
    // Only ever on a connection this backend took from its own pool: the builder unwrapped any
    // transaction-aware proxy, so committing here never commits a caller's transaction.
    for (int attempt = 1; ; attempt++) {
      try (Connection c = dataSource.getConnection()) {
        try {
          T result = work.run(c);
          if (!c.getAutoCommit()) {
            c.commit();
          }
          return result;
        } catch (SQLException e) {
          try {
            if (!c.getAutoCommit()) {
              c.rollback();
            }
          } catch (SQLException rollbackFailure) {
            e.addSuppressed(rollbackFailure);
          }
          throw e;
        }
      } catch (SQLException e) {
        if (attempt < 5 && (UniqueViolations.isUniqueViolation(e) || UniqueViolations.isTransactionConflict(e))) {
          LOG.debug("{} on {} lost a race ({}); retrying", operation, name, e.getSQLState());
          continue;
        }
        throw unavailable(operation, e);
      }
    }
  }

  /**
   * Runs several statements as one transaction on a pooled connection: auto-commit is turned off
   * for the work (pools hand out auto-commit connections by default, where each statement would be
   * its own transaction and a {@code SELECT ... FOR UPDATE} would hold its lock for no time at all),
   * committed, or rolled back on any failure, and restored. A lost race or deadlock runs the whole
   * transaction again, as {@link #run} does.
   */
  <T> T transaction(String operation, SqlCall<T> work) {
    return run(operation, c -> {
      boolean autoCommit = c.getAutoCommit();
      if (autoCommit) {
        c.setAutoCommit(false);
      }
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException rollbackFailure) {
          e.addSuppressed(rollbackFailure);
        }
        throw e;
      } finally {
        if (autoCommit) {
          c.setAutoCommit(true);
        }
      }
    });
  }

  /**
   * The library's exception for a database failure of an operation: a numeric value out of range
   * (SQLState 22003; MariaDB's "BIGINT UNSIGNED value is out of range" when a statement computes
   * with a tampered fencing token) comes from stored data, since arguments are checked before any
   * statement runs, and is a corrupt record; anything else is the store being unavailable.
   */
  dev.idempotency.IdempotencyException unavailable(String operation, SQLException e) {
    if ("22003".equals(e.getSQLState())) {
      return new dev.idempotency.CorruptRecordException("store " + name + ": a stored value is out of range during "
          + operation + ": " + e.getMessage(), e);
    }
    return new StoreUnavailableException(name, operation, e);
  }

  /**
   * Runs a statement that hands back one number: from its result set where the dialect has
   * RETURNING or FINAL TABLE, from the generated key (LAST_INSERT_ID) on MySQL and MariaDB.
   *
   * @param timeoutSeconds the statement timeout, 0 for none
   * @return the number, or -1 if the statement's losing path ran
   */
  long returningLong(Connection c, String statement, int timeoutSeconds, ParameterSetter parameters)
      throws SQLException {
    if (sql.returnsRows()) {
      try (PreparedStatement ps = c.prepareStatement(statement)) {
        ps.setQueryTimeout(timeoutSeconds);
        parameters.set(ps);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? rs.getLong(1) : -1;
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement(statement, Statement.RETURN_GENERATED_KEYS)) {
      ps.setQueryTimeout(timeoutSeconds);
      parameters.set(ps);
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        long n = keys.next() ? keys.getLong(1) : 0;
        return n > 0 ? n : -1;
      }
    }
  }

  /** As {@link #returningLong(Connection, String, int, ParameterSetter)} without a timeout. */
  long returningLong(Connection c, String statement, ParameterSetter parameters) throws SQLException {
    return returningLong(c, statement, 0, parameters);
  }

  /** Sets a statement's parameters. */
  @FunctionalInterface
  interface ParameterSetter {
    void set(PreparedStatement ps) throws SQLException;
  }
}
