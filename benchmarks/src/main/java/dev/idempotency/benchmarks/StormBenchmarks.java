package dev.idempotency.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.idempotency.CallOptions;
import dev.idempotency.CallResult;
import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.InProgressPolicy;
import dev.idempotency.RequestInProgressException;
import dev.idempotency.codec.Codecs;
import dev.idempotency.jdbc.JdbcBackend;
import dev.idempotency.memory.InMemoryBackend;
import dev.idempotency.redis.RedisBackend;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.StockStore;
import dev.idempotency.stock.StockReservations;
import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import redis.clients.jedis.RedisClient;

/**
 * The seeds' storms, each one shot: 500 callers on one key that wait for the first call
 * ({@code AWAIT}) or are turned away while it runs ({@code REJECT}), and 500 buyers for 10 units.
 * The score is the time until every caller has its answer. After each shot the storm is checked
 * (exactly one execution, every waiter got its result, exactly 10 units sold) and its counts are
 * written to the file named by {@code -Dbench.storms}, for {@link Report}: executions, store calls
 * per caller (counted on the client; one round trip each on Redis) and server commands per caller
 * (Redis's {@code INFO commandstats}, which counts the commands a script runs too; MariaDB's
 * {@code Questions}, the statements clients sent; none for the others). The first call's
 * action takes {@value #ACTION_MILLIS} ms, so the duplicates really find it running.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class StormBenchmarks {
  /** Callers per storm. */
  public static final int CALLERS = 500;
  /** Units on sale in the flash sale. */
  public static final int UNITS = 10;
  /** How long the first call's action runs. */
  public static final int ACTION_MILLIS = 50;
  private static final Set<String> NOT_CALLS = Set.of("name", "maxPayloadBytes", "joinsCallerTransaction",
      "toString", "hashCode", "equals");

  /** Which backend. */
  @Param({"memory", "redis", "postgres", "mariadb", "h2"})
  public String backend;

  private final String run = "storm" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
  private final AtomicLong shots = new AtomicLong();
  private final AtomicInteger storeCalls = new AtomicInteger();
  private final AtomicInteger executions = new AtomicInteger();
  private ExecutorService callers;
  private IdempotencyEngine engine;
  private StockReservations stock;
  private RedisClient redisRaw;
  private RedisBackend redis;
  private HikariDataSource pool;
  private String shot;
  private long serverCommandsBefore;
  private String storm;
  private int resolved;
  private int expectedExecutions;

  /**
   * Opens the backend and starts the callers' threads.
   *
   * @throws SQLException if a database cannot be reached
   */
  @Setup(Level.Trial)
  public void setUp() throws SQLException {
    callers = Executors.newFixedThreadPool(CALLERS);
    IdempotencyStore records;
    StockStore stockStore;
    switch (backend) {
      case "memory" -> {
        InMemoryBackend memory = InMemoryBackend.create();
        records = memory.idempotencyStore();
        stockStore = memory.stockStore();
      }
      case "redis" -> {
        redisRaw = Servers.redis();
        redis = RedisBackend.builder().uri(Servers.redisUri()).keyPrefix(run).stateTtl(Duration.ofHours(1)).build();
        records = redis.idempotencyStore();
        stockStore = redis.stockStore();
      }
      default -> {
        pool = Servers.pool(backend, run);
        JdbcBackend db = JdbcBackend.builder(pool).tablePrefix(run + "_").createTablesIfMissing(true).build();
        records = db.idempotencyStore();
        stockStore = db.stockStore();
      }
    }
    engine = IdempotencyEngine.builder(counted(IdempotencyStore.class, records))
        .defaults(CallOptions.builder().retention(Duration.ofHours(1)).build()).build();
    stock = StockReservations.of(counted(StockStore.class, stockStore));
  }

  /**
   * Stops the threads, deletes the run's keys or tables and closes the backend.
   *
   * @throws SQLException if the tables cannot be dropped
   */
  @TearDown(Level.Trial)
  public void tearDown() throws SQLException {
    callers.shutdownNow();
    if (redis != null) {
      redis.close();
      Servers.deleteKeys(redisRaw, run);
      redisRaw.close();
    }
    if (pool != null) {
      try {
        Servers.dropTables(pool, run + "_", JdbcBenchmarks.TABLES);
      } finally {
        pool.close();
      }
    }
  }

  /**
   * A fresh key (and a fresh item of 10 units) per shot; the counters start at zero.
   *
   * @throws SQLException if MariaDB cannot be asked for its counter
   */
  @Setup(Level.Invocation)
  public void beforeShot() throws SQLException {
    shot = "s" + shots.incrementAndGet();
    stock.repair(shot, UNITS);
    storeCalls.set(0);
    executions.set(0);
    resolved = 0;
    serverCommandsBefore = serverCommands();
  }

  /**
   * Checks the shot and writes its counts.
   *
   * @throws SQLException if MariaDB cannot be asked for its counter
   * @throws IOException if the counts cannot be written
   */
  @TearDown(Level.Invocation)
  public void afterShot() throws SQLException, IOException {
    // MariaDB counts the two queries of its counter too: the later one is left out here.
    long commands = serverCommandsBefore < 0 ? -1 : serverCommands() - serverCommandsBefore - ("mariadb".equals(backend) ? 1 : 0);
    if (executions.get() != expectedExecutions || resolved != CALLERS) {
      throw new IllegalStateException(storm + " on " + backend + ": " + executions.get() + " executions (expected "
          + expectedExecutions + "), " + resolved + " of " + CALLERS + " callers resolved as expected");
    }
    String out = System.getProperty("bench.storms");
    if (out != null) {
      String line = String.format(Locale.ROOT, "%s|%s|%d|%d|%d|%d|%d%n", storm, backend, CALLERS, executions.get(),
          expectedExecutions, storeCalls.get(), commands);
      Files.writeString(Path.of(out), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
  }

  /**
   * 500 callers on one key, waiting for the first call: one execution, 500 results.
   *
   * @return how many callers got the result
   * @throws Exception if a caller failed
   */
  @Benchmark
  public int awaitStorm() throws Exception {
    CallOptions options = engine.defaults().toBuilder().inProgress(InProgressPolicy.await(Duration.ofSeconds(30))).build();
    return storm("await", 1, () -> {
      CallResult<String> r = engine.execute(IdempotencyKey.of("storm", shot), Fingerprint.none(), Codecs.string(),
          options, c -> act());
      return "order".equals(r.value());
    });
  }

  /**
   * 500 callers on one key, turned away while the first call runs: one execution; every other
   * caller gets {@link RequestInProgressException} or, once the first has completed, its result.
   *
   * @return how many callers were answered
   * @throws Exception if a caller failed otherwise
   */
  @Benchmark
  public int rejectStorm() throws Exception {
    CallOptions options = engine.defaults().toBuilder().inProgress(InProgressPolicy.reject()).build();
    return storm("reject", 1, () -> {
      try {
        return "order".equals(engine.execute(IdempotencyKey.of("storm", shot), Fingerprint.none(), Codecs.string(),
            options, c -> act()).value());
      } catch (RequestInProgressException e) {
        return true;
      }
    });
  }

  /**
   * 500 buyers, one unit each, for 10 units: exactly 10 reservations.
   *
   * @return how many buyers were answered
   * @throws Exception if a buyer failed
   */
  @Benchmark
  public int flashSale() throws Exception {
    AtomicInteger buyer = new AtomicInteger();
    return storm("flash-sale", UNITS, () -> {
      if (stock.reserve(shot, "buyer-" + buyer.incrementAndGet()).reserved()) {
        executions.incrementAndGet();
      }
      return true;
    });
  }

  private String act() throws InterruptedException {
    executions.incrementAndGet();
    Thread.sleep(ACTION_MILLIS);
    return "order";
  }

  /** One caller's work: true if it was answered as the storm expects. */
  private interface Caller {
    boolean call() throws Exception;
  }

  private int storm(String name, int expected, Caller caller) throws Exception {
    storm = name;
    expectedExecutions = expected;
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Boolean>> answers = new ArrayList<>(CALLERS);
    for (int i = 0; i < CALLERS; i++) {
      answers.add(callers.submit(() -> {
        start.await();
        return caller.call();
      }));
    }
    start.countDown();
    int ok = 0;
    for (Future<Boolean> f : answers) {
      if (f.get(60, TimeUnit.SECONDS)) {
        ok++;
      }
    }
    resolved = ok;
    return ok;
  }

  /** What the server counts of the commands it ran, or 0 where it is not asked. */
  private long serverCommands() throws SQLException {
    if (redisRaw != null) {
      return Servers.commandCalls(redisRaw);
    }
    if ("mariadb".equals(backend)) {
      // Questions counts the statements clients sent, this query among them.
      return Long.parseLong(Servers.query(pool, "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS"
          + " WHERE VARIABLE_NAME = 'QUESTIONS'").get(0));
    }
    return -1;
  }

  /** The store, with every call of its interface counted. */
  private <S> S counted(Class<S> type, S store) {
    InvocationHandler handler = (proxy, method, args) -> {
      if (!NOT_CALLS.contains(method.getName())) {
        storeCalls.incrementAndGet();
      }
      try {
        return method.invoke(store, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
  }
}
