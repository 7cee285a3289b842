package dev.idempotency.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.idempotency.jdbc.JdbcBackend;
import dev.idempotency.jdbc.StateTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Every strategy on JDBC beside a bare auto-commit {@code INSERT} of a fresh key into a plain table
 * on the same pool, in the same run. Databases: {@code h2} in memory, {@code postgres}
 * ({@code IDEMPOTENCY_POSTGRES_URL} or 127.0.0.1:5432/test as postgres), {@code mariadb}
 * ({@code IDEMPOTENCY_MARIADB_URL} or 127.0.0.1:3306/test as root). Tables get a per-run prefix and
 * are dropped at the end.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class JdbcBenchmarks extends StrategyBenchmarks {
  /** Which database. */
  @Param({"h2", "postgres", "mariadb"})
  public String database;

  private final String prefix = "bench" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
  private HikariDataSource pool;
  private String insert;

  /**
   * Creates the pool and the tables.
   *
   * @throws SQLException if the database cannot be set up
   */
  @Setup(Level.Trial)
  public void setUp() throws SQLException {
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
      default -> config.setJdbcUrl("jdbc:h2:mem:" + prefix + ";DB_CLOSE_DELAY=-1");
    }
    config.setMaximumPoolSize(4);
    pool = new HikariDataSource(config);
    JdbcBackend db = JdbcBackend.builder(pool).tablePrefix(prefix).createTablesIfMissing(true).build();
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + prefix + "plain (k VARCHAR(64) NOT NULL PRIMARY KEY)");
      s.execute("CREATE TABLE " + prefix + "entity (id VARCHAR(64) NOT NULL PRIMARY KEY, status VARCHAR(16) NOT NULL, "
          + "version BIGINT NOT NULL)");
    }
    insert = "INSERT INTO " + prefix + "plain (k) VALUES (?)";
    useStores(db.idempotencyStore(), db.tokenStore(), db.lockStore(), db.dedupStore(),
        db.stateStore(StateTable.of(prefix + "entity")),
        db.stockStore(), db.rateLimitStore());
  }

  /**
   * Drops the tables and closes the pool.
   *
   * @throws SQLException if the tables cannot be dropped
   */
  @TearDown(Level.Trial)
  public void tearDown() throws SQLException {
    closeStrategies();
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      for (String t : new String[] {"plain", "entity", "records", "tokens", "locks", "dedup"}) {
        s.execute("DROP TABLE IF EXISTS " + prefix + t);
      }
    } finally {
      pool.close();
    }
  }

  /**
   * Baseline: one bare INSERT of a fresh key.
   *
   * @return the update count
   * @throws SQLException on failure
   */
  @Benchmark
  public int baselineInsert() throws SQLException {
    try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(insert)) {
      ps.setString(1, next());
      return ps.executeUpdate();
    }
  }
}
