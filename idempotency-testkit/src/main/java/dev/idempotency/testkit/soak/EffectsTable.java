package dev.idempotency.testkit.soak;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The guarded action's side effect: one row per execution in a table with <b>no</b> unique
 * constraint, so that an action that ran twice for one key shows as two rows. It lives in a
 * database apart from the store's connections (PostgreSQL for the Redis soak), so a fault injected
 * into the store never touches it.
 *
 * @param url the JDBC URL
 * @param user the user, or null when the URL carries it
 * @param password the password, or null
 * @param table the table's name (created by {@link #create()}, dropped by {@link #drop()})
 */
public record EffectsTable(String url, String user, String password, String table) {

  private static String h2Url;

  /**
   * A new table in an H2 database served over TCP on a free loopback port by this JVM (started on
   * first use, stopped when the JVM exits), for a soak whose store is not a database: worker
   * processes reach it, and a fault injected into the store never touches it. Needs H2 on the test
   * class path.
   *
   * @param table the table's name
   * @return the table (not yet created)
   */
  public static synchronized EffectsTable h2Server(String table) {
    if (h2Url == null) {
      try {
        Class<?> server = Class.forName("org.h2.tools.Server");
        Object tcp = server.getMethod("createTcpServer", String[].class).invoke(null, (Object) new String[] {
            "-tcpPort", Integer.toString(freeLoopbackPort()), "-ifNotExists"});
        server.getMethod("start").invoke(tcp);
        int port = (Integer) server.getMethod("getPort").invoke(tcp);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            server.getMethod("stop").invoke(tcp);
          } catch (ReflectiveOperationException ignored) {
            // the JVM is exiting
          }
        }));
        h2Url = "jdbc:h2:tcp://127.0.0.1:" + port + "/mem:soak-effects;DB_CLOSE_DELAY=-1";
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot start an H2 TCP server for the effects table (is H2 on the test class path?)", e);
      }
    }
    return new EffectsTable(h2Url, "sa", "", table);
  }

  /**
   * Opens a connection.
   *
   * @return a new connection, in auto-commit
   * @throws SQLException if the database cannot be reached
   */
  public Connection connect() throws SQLException {
    if (user == null) {
      return DriverManager.getConnection(url);
    }
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password == null ? "" : password);
    return DriverManager.getConnection(url, p);
  }

  /** Creates the table. */
  public void create() {
    run("CREATE TABLE " + table + " (key_text VARCHAR(200) NOT NULL, worker INT NOT NULL,"
        + " fencing_token BIGINT NOT NULL, at_ms BIGINT NOT NULL)");
  }

  /** Drops the table if it exists. */
  public void drop() {
    run("DROP TABLE IF EXISTS " + table);
  }

  /**
   * Records one execution.
   *
   * @param c a connection of the caller's
   * @param key the guarded key
   * @param worker the worker process's number
   * @param token the claim's fencing token
   * @throws SQLException if the insert fails
   */
  public void insert(Connection c, String key, int worker, long token) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO " + table + " (key_text, worker, fencing_token, at_ms) VALUES (?, ?, ?, ?)")) {
      ps.setString(1, key);
      ps.setInt(2, worker);
      ps.setLong(3, token);
      ps.setLong(4, System.currentTimeMillis());
      ps.executeUpdate();
    }
  }

  /**
   * The number of rows, that is of executions so far.
   *
   * @return the count
   */
  public long executions() {
    return query("SELECT COUNT(*) FROM " + table, rs -> rs.next() ? rs.getLong(1) : 0L);
  }

  /**
   * Keys that ran more than once, with their first and last execution times.
   *
   * @return key to its execution times (ms since the epoch), for every key with two or more rows
   */
  public Map<String, long[]> doubles() {
    return query("SELECT key_text, COUNT(*), MIN(at_ms), MAX(at_ms) FROM " + table
        + " GROUP BY key_text HAVING COUNT(*) > 1", rs -> {
          Map<String, long[]> out = new LinkedHashMap<>();
          while (rs.next()) {
            out.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3), rs.getLong(4)});
          }
          return out;
        });
  }

  private void run(String sql) {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("effects table " + table + ": " + e.getMessage(), e);
    }
  }

  private interface Reader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private <T> T query(String sql, Reader<T> reader) {
    try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return reader.read(rs);
    } catch (SQLException e) {
      throw new IllegalStateException("effects table " + table + ": " + e.getMessage(), e);
    }
  }

  private static int freeLoopbackPort() {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
