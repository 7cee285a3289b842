package dev.idempotency.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.idempotency.CallOptions;
import dev.idempotency.CallResult;
import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.Scope;
import dev.idempotency.codec.Codecs;
import dev.idempotency.dedup.DedupResult;
import dev.idempotency.dedup.Deduplicator;
import dev.idempotency.jdbc.JdbcBackend;
import dev.idempotency.jdbc.StateTable;
import dev.idempotency.lock.DistributedLocks;
import dev.idempotency.lock.LockHandle;
import dev.idempotency.lock.LockOptions;
import dev.idempotency.state.StateMachine;
import dev.idempotency.state.TransitionResult;
import dev.idempotency.token.OneTimeTokens;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
public class JdbcBenchmarks {
  /** States of the benchmark entity. */
  public enum Status {
    /** One. */
    A,
    /** Two. */
    B
  }

  /** Which database. */
  @Param({"h2", "postgres", "mariadb"})
  public String database;

  private final AtomicLong sequence = new AtomicLong();
  private final String prefix = "bench" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
  private HikariDataSource pool;
  private IdempotencyEngine engine;
  private OneTimeTokens tokens;
  private DistributedLocks locks;
  private Deduplicator dedup;
  private StateMachine<Status> machine;
  private String insert;
  private final IdempotencyKey replayKey = IdempotencyKey.of("bench", "replayed");
  private final Scope scope = Scope.of("checkout", "user-1");

  /**
   * Creates the pool, the tables and a record to replay.
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
    engine = IdempotencyEngine.builder(db.idempotencyStore())
        .defaults(CallOptions.builder().retention(Duration.ofHours(1)).build()).build();
    tokens = OneTimeTokens.builder(db.tokenStore()).build();
    locks = DistributedLocks.builder(db.lockStore()).build();
    dedup = Deduplicator.builder(db.dedupStore()).retention(Duration.ofHours(1)).build();
    machine = StateMachine.builder(Status.class, db.stateStore(StateTable.of(prefix + "entity")), "bench")
        .allow(Status.A, Status.B).allow(Status.B, Status.A).build();
    machine.create("entity", Status.A);
    engine.execute(replayKey, Fingerprint.none(), Codecs.string(), c -> "stored");
  }

  /**
   * Drops the tables and closes the pool.
   *
   * @throws SQLException if the tables cannot be dropped
   */
  @TearDown(Level.Trial)
  public void tearDown() throws SQLException {
    locks.close();
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      for (String t : new String[] {"plain", "entity", "records", "tokens", "locks", "dedup"}) {
        s.execute("DROP TABLE IF EXISTS " + prefix + t);
      }
    } finally {
      pool.close();
    }
  }

  private String next() {
    return "k-" + sequence.incrementAndGet();
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

  /**
   * A first call: claim + complete.
   *
   * @return the result
   */
  @Benchmark
  public CallResult<String> idempotentCallFirst() {
    return engine.execute(IdempotencyKey.of("bench", next()), Fingerprint.none(), Codecs.string(), c -> "r");
  }

  /**
   * A replay: the claim's upsert, then the read of the existing record.
   *
   * @return the result
   */
  @Benchmark
  public CallResult<String> idempotentCallReplay() {
    return engine.execute(replayKey, Fingerprint.none(), Codecs.string(), c -> "never");
  }

  /**
   * Issue + consume a token.
   *
   * @return whether consumed
   */
  @Benchmark
  public boolean tokenIssueAndConsume() {
    return tokens.consume(scope, tokens.issue(scope));
  }

  /**
   * Acquire + release an uncontended lock.
   *
   * @return the fencing token
   */
  @Benchmark
  public long lockAcquireAndRelease() {
    try (LockHandle h = locks.tryLock(IdempotencyKey.of("bench", "lock"), LockOptions.DEFAULTS).orElseThrow()) {
      return h.fencingToken();
    }
  }

  /**
   * Mark a fresh key.
   *
   * @return FIRST
   */
  @Benchmark
  public DedupResult dedupMarkFirst() {
    return dedup.markFirst("bench", next());
  }

  /**
   * One conditional transition.
   *
   * @return the outcome
   */
  @Benchmark
  public TransitionResult<Status> stateTransition() {
    return machine.transition("entity", (sequence.incrementAndGet() & 1) == 0 ? Status.A : Status.B);
  }
}
