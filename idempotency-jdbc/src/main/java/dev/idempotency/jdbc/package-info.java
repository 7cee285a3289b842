/**
 * The JDBC backend: {@link dev.idempotency.jdbc.JdbcBackend} on PostgreSQL, MySQL/MariaDB and H2,
 * the dedup table in the caller's transaction, state machines on the caller's tables, and the
 * unique-violation classifier.
 */
package dev.idempotency.jdbc;
