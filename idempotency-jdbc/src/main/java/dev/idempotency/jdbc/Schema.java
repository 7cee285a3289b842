package dev.idempotency.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creating the backend's tables safely when many instances start at once, and reading the limits
 * of the database. PostgreSQL's {@code CREATE TABLE IF NOT EXISTS} is not safe against itself (two
 * sessions both insert the table's row type and one fails on {@code pg_type}'s unique index), so the
 * DDL runs in one transaction under an advisory lock; MySQL and MariaDB take a named {@code GET_LOCK};
 * H2 runs in this JVM, where a monitor serialises it.
 */
final class Schema {
  private static final Logger LOG = LoggerFactory.getLogger(Schema.class);
  private static final Object H2_LOCK = new Object();
  private static final int LOCK_WAIT_SECONDS = 60;
  /** Room for the statement around a payload, and the driver's escaping of binary data. */
  private static final int PACKET_OVERHEAD = 64 * 1024;
  private static final int DEFAULT_MAX_PAYLOAD = 256 * 1024 * 1024;

  private Schema() {}

  /** The DDL of a dialect as shipped in {@code schema-<dialect>.sql}, split into statements. */
  static List<String> ddl(Dialect dialect, String tablePrefix) {
    String resource = "schema-" + dialect.name().toLowerCase(Locale.ROOT) + ".sql";
    try (InputStream in = Schema.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("{prefix}", tablePrefix);
      List<String> statements = new ArrayList<>();
      StringBuilder current = new StringBuilder();
      for (String line : text.split("\n")) {
        int comment = line.indexOf("--");
        String code = comment >= 0 ? line.substring(0, comment) : line;
        current.append(code).append('\n');
        if (code.trim().endsWith(";")) {
          String s = current.toString().trim();
          statements.add(s.substring(0, s.length() - 1));
          current.setLength(0);
        }
      }
      return statements;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }


  /** Runs the DDL on a connection the backend took for itself, under a database-wide lock. */
  static void create(Connection c, Dialect dialect, List<String> ddl, String prefix) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    switch (dialect) {
      case POSTGRESQL:
        c.setAutoCommit(false);
        try {
          try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            lock.setLong(1, lockId(prefix));
            lock.execute();
          }
          execute(c, ddl);
          c.commit();
        } catch (SQLException | RuntimeException e) {
          c.rollback();
          throw e;
        } finally {
          c.setAutoCommit(autoCommit);
        }
        break;
      case MYSQL:
        String name = "idempotency_schema_" + prefix;
        try (PreparedStatement lock = c.prepareStatement("SELECT GET_LOCK(?, ?)")) {
          lock.setString(1, name);
          lock.setInt(2, LOCK_WAIT_SECONDS);
          try (ResultSet rs = lock.executeQuery()) {
            if (!rs.next() || rs.getInt(1) != 1) {
              throw new SQLException("could not take the schema lock " + name + " within "
                  + LOCK_WAIT_SECONDS + " s", "55P03");
            }
          }
        }
        try {
          execute(c, ddl);
          if (!autoCommit) {
            c.commit();
          }
        } finally {
          try (PreparedStatement unlock = c.prepareStatement("SELECT RELEASE_LOCK(?)")) {
            unlock.setString(1, name);
            unlock.execute();
          }
        }
        break;
      default:
        synchronized (H2_LOCK) {
          execute(c, ddl);
          if (!autoCommit) {
            c.commit();
          }
        }
    }
    LOG.debug("tables {}* are in place", prefix);
  }

  private static void execute(Connection c, List<String> ddl) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String statement : ddl) {
        s.execute(statement);
      }
    }
  }

  /** A stable advisory-lock id per table prefix. */
  private static long lockId(String prefix) {
    return 0x1DE0_0000_0000_0000L ^ ("idempotency-schema:" + prefix).hashCode();
  }

  /**
   * Whether a MySQL-dialect database takes {@code INSERT ... ON DUPLICATE KEY UPDATE ... RETURNING}:
   * MariaDB from 10.5 (its {@code VERSION()} names it); MySQL does not.
   */
  static boolean takesInsertReturning(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT VERSION()")) {
      return rs.next() && takesInsertReturning(rs.getString(1));
    }
  }

  /** As {@link #takesInsertReturning(Connection)}, from the text of {@code VERSION()}. */
  static boolean takesInsertReturning(String version) {
    if (version == null || !version.toLowerCase(Locale.ROOT).contains("mariadb")) {
      return false;
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d+)\\.(\\d+)").matcher(version);
    if (!m.find()) {
      return false;
    }
    int major = Integer.parseInt(m.group(1));
    int minor = Integer.parseInt(m.group(2));
    return major > 10 || (major == 10 && minor >= 5);
  }

  /** The largest payload one statement can carry; see {@link JdbcBackend#maxPayloadBytes()}. */
  static int maxPayloadBytes(Connection c, Dialect dialect) throws SQLException {
    if (dialect != Dialect.MYSQL) {
      return DEFAULT_MAX_PAYLOAD;
    }
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT @@max_allowed_packet")) {
      long packet = rs.next() ? rs.getLong(1) : 4L * 1024 * 1024;
      return (int) Math.max(1024, Math.min(DEFAULT_MAX_PAYLOAD, (packet - PACKET_OVERHEAD) / 2));
    }
  }
}
