package dev.idempotency.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.idempotency.jdbc.JdbcBackend;
import dev.idempotency.jdbc.RowLocks;
import dev.idempotency.jdbc.StateTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
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
 * Every strategy on JDBC beside a bare auto-commit, conflict-free {@code INSERT} of a fresh key into a plain table
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

  /** The tables a backend with a prefix creates. */
  static final String[] TABLES = {"records", "tokens", "locks", "dedup", "stock", "stock_holds", "rates", "states"};

  private final String prefix = "bench" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
  private HikariDataSource pool;
  private String insert;
  private String touch;
  private String delete;
  private String transition;
  private String reserve;
  private String unreserve;
  private long rawVersion;
  private RowLocks rowLocks;
  private String selectForUpdate;

  /**
   * Creates the pool and the tables.
   *
   * @throws SQLException if the database cannot be set up
   */
  @Setup(Level.Trial)
  public void setUp() throws SQLException {
    pool = Servers.pool(database, prefix);
    JdbcBackend db = JdbcBackend.builder(pool).tablePrefix(prefix).createTablesIfMissing(true).build();
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + prefix + "plain (k VARCHAR(64) NOT NULL PRIMARY KEY, n INT DEFAULT 0 NOT NULL)");
      s.execute("CREATE TABLE " + prefix + "entity (id VARCHAR(64) NOT NULL PRIMARY KEY, status VARCHAR(16) NOT NULL, "
          + "version BIGINT NOT NULL)");
      s.execute("INSERT INTO " + prefix + "entity (id, status, version) VALUES ('raw', 'A', 0)");
      s.execute("CREATE TABLE " + prefix + "rawstock (item VARCHAR(64) NOT NULL PRIMARY KEY, available BIGINT NOT NULL, "
          + "reserved BIGINT NOT NULL)");
      s.execute("INSERT INTO " + prefix + "rawstock (item, available, reserved) VALUES ('raw', 1000000, 0)");
    }
    // Conflict-free, as any insert that stands for a claim or a mark must be written by hand: a
    // plain INSERT of a duplicate fails (and on PostgreSQL aborts the caller's transaction).
    insert = switch (database) {
      case "postgres" -> "INSERT INTO " + prefix + "plain (k) VALUES (?) ON CONFLICT (k) DO NOTHING";
      case "mariadb" -> "INSERT IGNORE INTO " + prefix + "plain (k) VALUES (?)";
      default -> "MERGE INTO " + prefix + "plain (k) KEY (k) VALUES (?)";
    };
    touch = "UPDATE " + prefix + "plain SET n = n + 1 WHERE k = ?";
    delete = "DELETE FROM " + prefix + "plain WHERE k = ?";
    transition = "UPDATE " + prefix + "entity SET status = ?, version = version + 1 WHERE id = ? AND version = ?";
    reserve = "UPDATE " + prefix + "rawstock SET available = available - 1, reserved = reserved + 1"
        + " WHERE item = ? AND available >= 1";
    unreserve = "UPDATE " + prefix + "rawstock SET available = available + 1, reserved = reserved - 1"
        + " WHERE item = ? AND reserved >= 1";
    rowLocks = db.rowLocks();
    selectForUpdate = "SELECT id FROM " + prefix + "entity WHERE id = ? FOR UPDATE";
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
    try {
      Servers.dropTables(pool, prefix, "plain", "entity", "rawstock");
      Servers.dropTables(pool, prefix, TABLES);
    } finally {
      pool.close();
    }
  }

  /**
   * Baseline of a replay, a dedup mark and a rate-limit decision: one auto-commit {@code INSERT} of
   * a fresh key.
   *
   * @return the update count
   * @throws SQLException on failure
   */
  @Benchmark
  public int baselineInsert() throws SQLException {
    return update(insert, next());
  }

  /**
   * Baseline of a first call: an auto-commit {@code INSERT} of a fresh key (the claim), then an
   * {@code UPDATE} of its row (the completion).
   *
   * @return the update count
   * @throws SQLException on failure
   */
  @Benchmark
  public int baselineCallFirst() throws SQLException {
    String key = next();
    update(insert, key);
    return update(touch, key);
  }

  /**
   * Baseline of a lock and of a token: an auto-commit {@code INSERT} of a key, then its
   * {@code DELETE}.
   *
   * @return the update count
   * @throws SQLException on failure
   */
  @Benchmark
  public int baselineLockAcquireAndRelease() throws SQLException {
    String key = next();
    update(insert, key);
    return update(delete, key);
  }

  /**
   * Baseline of a state transition: one conditional {@code UPDATE} of a row's status and version.
   *
   * @return the update count
   * @throws SQLException on failure
   */
  @Benchmark
  public int baselineStateTransition() throws SQLException {
    try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(transition)) {
      ps.setString(1, (rawVersion & 1) == 0 ? "A" : "B");
      ps.setString(2, "raw");
      ps.setLong(3, rawVersion);
      int n = ps.executeUpdate();
      rawVersion++;
      return n;
    }
  }

  /**
   * Baseline of a reservation and its release: two conditional {@code UPDATE}s of one stock row.
   *
   * @return the update count
   * @throws SQLException on failure
   */
  @Benchmark
  public int baselineStockReserveAndRelease() throws SQLException {
    update(reserve, "raw");
    return update(unreserve, "raw");
  }

  /**
   * A pessimistic row lock in a transaction ({@code RowLocks}, with a bounded wait), then the commit.
   *
   * @return the outcome
   * @throws SQLException on failure
   */
  @Benchmark
  public RowLocks.Outcome rowLockInTransaction() throws SQLException {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        return rowLocks.lock(c, prefix + "entity", "id", "raw", RowLocks.Wait.upTo(Duration.ofMillis(500)));
      } finally {
        c.commit();
        c.setAutoCommit(true);
      }
    }
  }

  /**
   * Baseline of a row lock: {@code SELECT ... FOR UPDATE} of the row in a transaction, then the
   * commit.
   *
   * @return whether the row was found
   * @throws SQLException on failure
   */
  @Benchmark
  public boolean baselineRowLockInTransaction() throws SQLException {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(selectForUpdate)) {
        ps.setString(1, "raw");
        try (java.sql.ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      } finally {
        c.commit();
        c.setAutoCommit(true);
      }
    }
  }

  private int update(String sql, String key) throws SQLException {
    try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, key);
      return ps.executeUpdate();
    }
  }
}
