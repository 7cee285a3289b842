/**
 * The JDBC backend: PostgreSQL, MySQL/MariaDB and H2 on any {@code DataSource}.
 */
module dev.idempotency.jdbc {
  requires transitive dev.idempotency.core;
  requires transitive java.sql;

  exports dev.idempotency.jdbc;
}
