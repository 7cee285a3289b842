package dev.idempotency.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Where the benchmarks find their servers, the same way the tests do: Redis from
 * {@code IDEMPOTENCY_REDIS_URI} or 127.0.0.1:6379; PostgreSQL from {@code IDEMPOTENCY_POSTGRES_URL}
 * or 127.0.0.1:5432/test as postgres; MariaDB from {@code IDEMPOTENCY_MARIADB_URL} or
 * 127.0.0.1:3306/test as root; H2 in memory.
 */
final class Servers {
  private Servers() {}

  /** The Redis URI. */
  static String redisUri() {
    return System.getenv().getOrDefault("IDEMPOTENCY_REDIS_URI", "redis://127.0.0.1:6379");
  }

  /** A raw client of the benchmarks' Redis. */
  static RedisClient redis() {
    return RedisClient.create(URI.create(redisUri()));
  }

  /**
   * A pool of four connections to a database.
   *
   * @param database h2, postgres or mariadb
   * @param name names the in-memory H2 database
   */
  static HikariDataSource pool(String database, String name) {
    HikariConfig config = new HikariConfig();
    switch (database) {
      case "postgres" -> {
        config.setJdbcUrl(System.getenv().getOrDefault("IDEMPOTENCY_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test"));
        config.setUsername("postgres");
      }
      case "mariadb" -> {
        config.setJdbcUrl(System.getenv().getOrDefault("IDEMPOTENCY_MARIADB_URL",
            "jdbc:mariadb://127.0.0.1:3306/test?sslMode=disable"));
        config.setUsername("root");
      }
      case "h2" -> config.setJdbcUrl("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
      default -> throw new IllegalArgumentException("unknown database " + database);
    }
    config.setMaximumPoolSize(4);
    return new HikariDataSource(config);
  }

  /**
   * The commands a Redis server has run ({@code INFO commandstats}, which counts a script's own
   * commands beside its {@code EVALSHA}), less the {@code INFO} calls that read it.
   */
  static long commandCalls(RedisClient redis) {
    long calls = 0;
    for (String line : redis.info("commandstats").split("\r?\n")) {
      // cmdstat_evalsha:calls=12,usec=...
      if (line.startsWith("cmdstat_") && !line.startsWith("cmdstat_info:")) {
        int from = line.indexOf("calls=") + 6;
        calls += Long.parseLong(line.substring(from, line.indexOf(',', from)));
      }
    }
    return calls;
  }

  /** Deletes every key under a prefix (a run's keys), so benchmarks leave nothing behind. */
  static void deleteKeys(RedisClient redis, String prefix) {
    ScanParams params = new ScanParams().match(prefix + "*").count(1000);
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<String> page = redis.scan(cursor, params);
      if (!page.getResult().isEmpty()) {
        redis.unlink(page.getResult().toArray(String[]::new));
      }
      cursor = page.getCursor();
    } while (!"0".equals(cursor));
  }

  /** Drops tables, ignoring those that do not exist. */
  static void dropTables(HikariDataSource pool, String prefix, String... tables) throws SQLException {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      for (String t : tables) {
        s.execute("DROP TABLE IF EXISTS " + prefix + t);
      }
    }
  }

  /** The first column of every row a query returns. */
  static List<String> query(HikariDataSource pool, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = pool.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
    }
    return rows;
  }
}
