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
          execute(c, dialect, ddl, prefix);
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
          execute(c, dialect, ddl, prefix);
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
          execute(c, dialect, ddl, prefix);
          if (!autoCommit) {
            c.commit();
          }
        }
    }
    LOG.debug("tables {}* are in place", prefix);
  }

  private static void execute(Connection c, Dialect dialect, List<String> ddl, String prefix) throws SQLException {
    upgrade(c, dialect, prefix);
    try (Statement s = c.createStatement()) {
      for (String statement : ddl) {
        s.execute(statement);
      }
    }
  }

  /**
   * Brings tables of an earlier release up to the shipped DDL before it runs: {@code stock_holds}
   * gained {@code reservation_id} (earlier holds get {@code legacy}) and {@code expires_at} (earlier
   * holds get none: they hold until released or confirmed) with their index. Only a table that
   * lacks the column is altered, so a current schema takes no table lock at start.
   */
  static void upgrade(Connection c, Dialect dialect, String prefix) throws SQLException {
    if (!outdated(c, dialect, prefix)) {
      return;
    }
    String holds = prefix + "stock_holds";
    try (Statement s = c.createStatement()) {
      for (String statement : upgradeDdl(dialect, prefix)) {
        s.execute(statement);
      }
    }
    LOG.info("table {} upgraded: reservations now carry an id and a hold", holds);
  }

  /** Whether {@code stock_holds} exists in its earlier shape. */
  private static boolean outdated(Connection c, Dialect dialect, String prefix) throws SQLException {
    String holds = prefix + "stock_holds";
    return hasColumn(c, dialect, holds, "holder_key") && !hasColumn(c, dialect, holds, "reservation_id");
  }

  /**
   * Tells, when the backend does not manage the tables, that {@code stock_holds} needs the
   * statements of {@link #upgradeDdl} (stock operations fail until it has them).
   */
  static void warnIfOutdated(Connection c, Dialect dialect, String prefix) {
    try {
      if (outdated(c, dialect, prefix)) {
        LOG.warn("table {}stock_holds predates reservation ids and holds; stock operations fail until your migration"
            + " runs: {}", prefix, String.join("; ", upgradeDdl(dialect, prefix)));
      }
    } catch (SQLException e) {
      LOG.debug("could not inspect {}stock_holds: {}", prefix, e.getMessage());
    }
  }

  /** The statements that bring an earlier {@code stock_holds} up to the shipped DDL. */
  static List<String> upgradeDdl(Dialect dialect, String prefix) {
    String holds = prefix + "stock_holds";
    List<String> alter = new ArrayList<>();
    switch (dialect) {
      case POSTGRESQL:
        alter.add("ALTER TABLE " + holds + " ADD COLUMN reservation_id VARCHAR(64) NOT NULL DEFAULT 'legacy',"
            + " ADD COLUMN expires_at TIMESTAMPTZ");
        break;
      case MYSQL:
        alter.add("ALTER TABLE " + holds + " ADD COLUMN reservation_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin"
            + " NOT NULL DEFAULT 'legacy', ADD COLUMN expires_at DATETIME(3) NULL,"
            + " ADD INDEX " + holds + "_expires (item_key, expires_at)");
        break;
      default:
        alter.add("ALTER TABLE " + holds + " ADD COLUMN reservation_id VARCHAR(64) NOT NULL DEFAULT 'legacy'");
        alter.add("ALTER TABLE " + holds + " ADD COLUMN expires_at TIMESTAMP(3) WITH TIME ZONE");
        break;
    }
    if (dialect != Dialect.MYSQL) {
      alter.add("CREATE INDEX IF NOT EXISTS " + holds + "_expires ON " + holds + " (item_key, expires_at)");
    }
    return alter;
  }

  private static boolean hasColumn(Connection c, Dialect dialect, String table, String column) throws SQLException {
    String schema = dialect == Dialect.POSTGRESQL ? "current_schema()" : dialect == Dialect.MYSQL ? "DATABASE()"
        : "CURRENT_SCHEMA";
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM information_schema.columns WHERE table_schema = "
        + schema + " AND LOWER(table_name) = ? AND LOWER(column_name) = ?")) {
      ps.setString(1, table.toLowerCase(Locale.ROOT));
      ps.setString(2, column);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
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
