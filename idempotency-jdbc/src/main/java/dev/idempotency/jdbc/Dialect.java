package dev.idempotency.jdbc;

import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;

/** The SQL dialects the JDBC backend speaks. */
public enum Dialect {
  /** PostgreSQL: {@code INSERT ... ON CONFLICT}, {@code RETURNING}, {@code clock_timestamp()}. */
  POSTGRESQL,
  /** MySQL and MariaDB: {@code INSERT ... ON DUPLICATE KEY UPDATE}, {@code UTC_TIMESTAMP(3)}. */
  MYSQL,
  /** H2 (the embedded default): {@code MERGE}, {@code FINAL TABLE}, {@code CURRENT_TIMESTAMP}. */
  H2;

  /**
   * Detects the dialect from connection metadata.
   *
   * @param metadata the connection's metadata
   * @return the dialect
   * @throws SQLException if the metadata cannot be read
   * @throws IllegalArgumentException if the database is not supported
   */
  public static Dialect detect(DatabaseMetaData metadata) throws SQLException {
    String product = metadata.getDatabaseProductName().toLowerCase(Locale.ROOT);
    if (product.contains("postgres")) {
      return POSTGRESQL;
    }
    if (product.contains("mysql") || product.contains("mariadb")) {
      return MYSQL;
    }
    if (product.contains("h2")) {
      return H2;
    }
    throw new IllegalArgumentException("unsupported database " + metadata.getDatabaseProductName()
        + "; supported: PostgreSQL, MySQL, MariaDB, H2");
  }
}
