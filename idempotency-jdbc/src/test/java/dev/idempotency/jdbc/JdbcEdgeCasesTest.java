package dev.idempotency.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.idempotency.CallOptions;
import dev.idempotency.CallResult;
import dev.idempotency.CorruptRecordException;
import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.InvalidInputException;
import dev.idempotency.RequestInProgressException;
import dev.idempotency.ResultNotStoredException;
import dev.idempotency.codec.Codecs;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Edge cases on PostgreSQL, MariaDB and H2, each once a defect: the backend committed a caller's transaction through a
 * transaction-aware DataSource; an idempotent call inside a transaction that rolled back left a
 * phantom result; concurrent {@code createTablesIfMissing} failed on PostgreSQL; a reserved word
 * passed as a table name; absurd durations and huge results surfaced as "store unavailable".
 */
class JdbcEdgeCasesTest {
  private final List<HikariDataSource> pools = new ArrayList<>();

  static Stream<TestDatabase> databases() {
    return Stream.of(TestDatabase.h2(), TestDatabase.postgres(), TestDatabase.mariadb());
  }

  @AfterEach
  void close() {
    pools.forEach(HikariDataSource::close);
  }

  private HikariDataSource pool(TestDatabase db) {
    HikariDataSource ds = db.newDataSource();
    pools.add(ds);
    return ds;
  }

  private static String businessTable(TestDatabase db, Connection c) throws SQLException {
    String table = db.prefix + "biz_" + UUID.randomUUID().toString().substring(0, 6);
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + table + " (id VARCHAR(64) NOT NULL, note VARCHAR(64))");
    }
    if (!c.getAutoCommit()) {
      c.commit();
    }
    return table;
  }

  private static int count(Connection c, String table) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static void insert(Connection c, String table, String id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (id) VALUES (?)")) {
      ps.setString(1, id);
      ps.executeUpdate();
    }
  }

  // ---- 2. the caller's transaction ---------------------------------------------------------

  @ParameterizedTest
  @MethodSource("databases")
  void aBackendOnSpringsTransactionAwareProxyNeverCommitsTheCallersTransaction(TestDatabase db) throws Exception {
    HikariDataSource ds = pool(db);
    String table;
    try (Connection c = ds.getConnection()) {
      table = businessTable(db, c);
    }
    TransactionAwareDataSourceProxy proxy = new TransactionAwareDataSourceProxy(ds);
    JdbcBackend backend = JdbcBackend.builder(proxy).tablePrefix(db.prefix).build();
    IdempotencyEngine engine = IdempotencyEngine.builder(backend.idempotencyStore()).build();
    TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(ds));
    IdempotencyKey key = IdempotencyKey.of("orders", UUID.randomUUID().toString());
    tx.executeWithoutResult(status -> {
      try {
        Connection c = proxy.getConnection();
        insert(c, table, "order-1");
        c.close();
        engine.execute(key, Fingerprint.none(), Codecs.string(), claim -> "order-1");
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
      status.setRollbackOnly();
    });
    try (Connection c = ds.getConnection()) {
      assertThat(count(c, table)).as("the caller rolled back: the business row must be gone").isZero();
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void inTheCallersTransactionARollbackLeavesNoRecordAndACommitReplays(TestDatabase db) throws Exception {
    HikariDataSource ds = pool(db);
    JdbcBackend backend = JdbcBackend.builder(ds).tablePrefix(db.prefix).build();
    TransactionalCalls calls = backend.transactionalCalls();
    IdempotencyKey key = IdempotencyKey.of("orders", UUID.randomUUID().toString());
    AtomicInteger runs = new AtomicInteger();
    String table;
    try (Connection c = ds.getConnection()) {
      table = businessTable(db, c);
      c.setAutoCommit(false);
      calls.execute(c, key, Fingerprint.none(), Codecs.string(), claim -> {
        insert(c, table, "order-" + runs.incrementAndGet());
        return "order-" + runs.get();
      });
      c.rollback();
      assertThat(backend.idempotencyStore().find(key.storageKey())).as("no phantom result").isEmpty();

      CallResult<String> second = calls.execute(c, key, Fingerprint.none(), Codecs.string(), claim -> {
        insert(c, table, "order-" + runs.incrementAndGet());
        return "order-" + runs.get();
      });
      assertThat(second.replayed()).isFalse();
      c.commit();
      CallResult<String> third = calls.execute(c, key, Fingerprint.none(), Codecs.string(), claim -> "order-" + runs.incrementAndGet());
      c.commit();
      assertThat(third.replayed()).isTrue();
      assertThat(third.value()).isEqualTo("order-2");
      assertThat(count(c, table)).isEqualTo(1);
      c.setAutoCommit(true);
      assertThatThrownBy(() -> calls.execute(c, key, Fingerprint.none(), Codecs.string(), claim -> "x"))
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("auto-commit");
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void concurrentTransactionsWithOneKeyCreateOneRowAndTheOthersReplayIt(TestDatabase db) throws Exception {
    HikariDataSource ds = pool(db);
    JdbcBackend backend = JdbcBackend.builder(ds).tablePrefix(db.prefix).build();
    TransactionalCalls calls = backend.transactionalCalls();
    String table;
    try (Connection c = ds.getConnection()) {
      table = businessTable(db, c);
    }
    IdempotencyKey key = IdempotencyKey.of("orders", UUID.randomUUID().toString());
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    List<Future<CallResult<String>>> results = new ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        results.add(pool.submit(() -> {
          start.await();
          try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
              CallResult<String> r = calls.execute(c, key, Fingerprint.none(), Codecs.string(), claim -> {
                insert(c, table, "order");
                Thread.sleep(100);
                return "order " + runs.incrementAndGet();
              });
              c.commit();
              return r;
            } catch (RuntimeException | SQLException e) {
              c.rollback();
              throw e;
            }
          }
        }));
      }
      start.countDown();
      int replayed = 0;
      for (Future<CallResult<String>> f : results) {
        CallResult<String> r = f.get(60, TimeUnit.SECONDS);
        assertThat(r.value()).isEqualTo("order 1");
        replayed += r.replayed() ? 1 : 0;
      }
      assertThat(replayed).isEqualTo(threads - 1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(runs).hasValue(1);
    try (Connection c = ds.getConnection()) {
      assertThat(count(c, table)).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aDuplicateWaitsBoundedlyAndTakesOverAfterTheFirstTransactionRollsBack(TestDatabase db) throws Exception {
    HikariDataSource ds = pool(db);
    JdbcBackend backend = JdbcBackend.builder(ds).tablePrefix(db.prefix).build();
    TransactionalCalls calls = backend.transactionalCalls().withRowWait(Duration.ofSeconds(1));
    IdempotencyKey key = IdempotencyKey.of("orders", UUID.randomUUID().toString());
    try (Connection first = ds.getConnection(); Connection second = ds.getConnection()) {
      first.setAutoCommit(false);
      second.setAutoCommit(false);
      calls.execute(first, key, Fingerprint.none(), Codecs.string(), claim -> "first");

      long started = System.nanoTime();
      assertThatThrownBy(() -> calls.execute(second, key, Fingerprint.none(), Codecs.string(), claim -> "second"))
          .isInstanceOf(RequestInProgressException.class).hasMessageContaining("roll back");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
      second.rollback();

      CompletableFuture<CallResult<String>> waiting = CompletableFuture.supplyAsync(() -> {
        try {
          CallResult<String> r = backend.transactionalCalls().execute(second, key, Fingerprint.none(), Codecs.string(),
              claim -> "second");
          second.commit();
          return r;
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      Thread.sleep(300);
      first.rollback();
      CallResult<String> taken = waiting.get(30, TimeUnit.SECONDS);
      assertThat(taken.replayed()).isFalse();
      assertThat(taken.value()).isEqualTo("second");
    }
  }

  // ---- 4. start-up --------------------------------------------------------------------------

  @ParameterizedTest
  @MethodSource("databases")
  void createTablesIfMissingIsSafeForManyInstancesStartingAtOnce(TestDatabase db) throws Exception {
    String prefix = "st" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
    int instances = 16;
    HikariDataSource ds = pool(db);
    ds.setMaximumPoolSize(instances + 2);
    // Open the connections first, so that the instances really start their DDL at the same moment.
    List<Connection> warm = new ArrayList<>();
    for (int i = 0; i < instances; i++) {
      warm.add(ds.getConnection());
    }
    for (Connection c : warm) {
      c.close();
    }
    ExecutorService executor = Executors.newFixedThreadPool(instances);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<JdbcBackend>> built = new ArrayList<>();
    try {
      for (int i = 0; i < instances; i++) {
        built.add(executor.submit(() -> {
          go.await();
          return JdbcBackend.builder(ds).tablePrefix(prefix).createTablesIfMissing(true).build();
        }));
      }
      go.countDown();
      for (Future<JdbcBackend> f : built) {
        assertThat(f.get(60, TimeUnit.SECONDS)).isNotNull();
      }
      IdempotencyEngine engine = IdempotencyEngine.builder(built.get(0).get().idempotencyStore()).build();
      assertThat(engine.execute(IdempotencyKey.of("orders", "k"), Fingerprint.none(), Codecs.string(), c -> "ok").value())
          .isEqualTo("ok");
    } finally {
      executor.shutdownNow();
      try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
        for (String t : List.of("records", "tokens", "locks", "dedup")) {
          s.execute("DROP TABLE IF EXISTS " + prefix + t);
        }
      }
    }
  }

  // ---- 3. bad input -------------------------------------------------------------------------

  @Test
  void aReservedWordAsATableOrColumnIsRefusedWhenConfiguredWithTheReason() {
    assertThatThrownBy(() -> new StateTable("order", "id", "status", "version"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("\"order\" is a reserved word");
    assertThatThrownBy(() -> StateTable.of("shop.group")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> new StateTable("orders", "id", "select", "version")).isInstanceOf(InvalidInputException.class);
    // Reserved by one database only: refused by that backend when the state store is configured.
    StateTable withKey = new StateTable("orders", "key", "status", "version");
    HikariDataSource ds = pool(TestDatabase.mariadb());
    JdbcBackend mariadb = JdbcBackend.builder(ds).tablePrefix(TestDatabase.mariadb().prefix).build();
    assertThatThrownBy(() -> mariadb.stateStore(withKey)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("reserved word in MYSQL");
    JdbcBackend postgres = JdbcBackend.builder(pool(TestDatabase.postgres())).tablePrefix(TestDatabase.postgres().prefix).build();
    assertThat(postgres.stateStore(withKey)).isNotNull();
  }

  @ParameterizedTest
  @MethodSource("databases")
  void absurdDurationsAreInvalidInputNotStoreUnavailable(TestDatabase db) {
    JdbcBackend backend = JdbcBackend.builder(pool(db)).tablePrefix(db.prefix).build();
    for (Duration d : new Duration[] {Duration.ofSeconds(Long.MAX_VALUE), Duration.ofDays(365L * 20_000)}) {
      assertThatThrownBy(() -> backend.idempotencyStore().claim("k", "fp", d)).isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> backend.idempotencyStore().complete("k", 1, new byte[] {0}, d)).isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> backend.tokenStore().mark("k", d)).isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> backend.dedupStore().mark("k", d)).isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> backend.lockStore().tryAcquire("k", "me", d)).isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> backend.transactionalDedup(d)).isInstanceOf(InvalidInputException.class);
    }
    assertThat(backend.idempotencyStore().find("k")).isEmpty();
  }

  // ---- 1. results that cannot be stored ----------------------------------------------------

  @ParameterizedTest
  @MethodSource("databases")
  void aTwentyMegabyteResultNeverMakesTheActionRunTwice(TestDatabase db) {
    JdbcBackend backend = JdbcBackend.builder(pool(db)).tablePrefix(db.prefix).build();
    IdempotencyEngine engine = IdempotencyEngine.builder(backend.idempotencyStore()).build();
    IdempotencyKey key = IdempotencyKey.of("reports", UUID.randomUUID().toString());
    AtomicInteger runs = new AtomicInteger();
    String big = "r".repeat(20 * 1024 * 1024);
    assertThat(engine.execute(key, Fingerprint.none(), Codecs.string(), c -> {
      runs.incrementAndGet();
      return big;
    }).value()).hasSize(big.length());
    assertThatThrownBy(() -> engine.execute(key, Fingerprint.none(), Codecs.string(), c -> "" + runs.incrementAndGet()))
        .isInstanceOf(ResultNotStoredException.class);
    assertThat(runs).hasValue(1);
    if (db.dialect == Dialect.MYSQL) {
      assertThat(backend.maxPayloadBytes()).as("half the server's max_allowed_packet").isLessThan(16 * 1024 * 1024);
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aRecordWithAnUnknownStatusIsCorrupt(TestDatabase db) throws Exception {
    HikariDataSource ds = pool(db);
    JdbcBackend backend = JdbcBackend.builder(ds).tablePrefix(db.prefix).build();
    IdempotencyEngine engine = IdempotencyEngine.builder(backend.idempotencyStore()).build();
    IdempotencyKey key = IdempotencyKey.of("orders", UUID.randomUUID().toString());
    engine.execute(key, Fingerprint.none(), Codecs.string(), CallOptions.DEFAULTS, c -> "x");
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "UPDATE " + db.prefix + "records SET status = 7 WHERE key_text = ?")) {
      ps.setString(1, key.storageKey());
      assertThat(ps.executeUpdate()).isEqualTo(1);
      if (!c.getAutoCommit()) {
        c.commit();
      }
    }
    assertThatThrownBy(() -> engine.execute(key, Fingerprint.none(), Codecs.string(), c -> "y"))
        .isInstanceOf(CorruptRecordException.class);
  }

  /**
   * A fencing token tampered out of range (negative) is a corrupt record, not the caller's bad input
   * (400 on PostgreSQL and H2 before) nor an unavailable store (503 on MariaDB before, whose
   * statements compute with the token as unsigned).
   */
  @ParameterizedTest
  @MethodSource("databases")
  void aRecordWithAnOutOfRangeFencingTokenIsCorrupt(TestDatabase db) throws Exception {
    HikariDataSource ds = pool(db);
    JdbcBackend backend = JdbcBackend.builder(ds).tablePrefix(db.prefix).build();
    IdempotencyEngine engine = IdempotencyEngine.builder(backend.idempotencyStore()).build();
    IdempotencyKey key = IdempotencyKey.of("orders", UUID.randomUUID().toString());
    engine.execute(key, Fingerprint.none(), Codecs.string(), CallOptions.DEFAULTS, c -> "x");
    String tampered = "-5";
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "UPDATE " + db.prefix + "records SET fencing_token = " + tampered + " WHERE key_text = ?")) {
      ps.setString(1, key.storageKey());
      assertThat(ps.executeUpdate()).isEqualTo(1);
      if (!c.getAutoCommit()) {
        c.commit();
      }
    }
    AtomicInteger runs = new AtomicInteger();
    assertThatThrownBy(() -> engine.execute(key, Fingerprint.none(), Codecs.string(), c -> "y" + runs.incrementAndGet()))
        .isInstanceOf(CorruptRecordException.class);
    assertThatThrownBy(() -> engine.lookup(key)).isInstanceOf(CorruptRecordException.class);
    assertThat(runs).hasValue(0);
  }

  /** A reservation row tampered out of range is corrupt on every operation that reads it. */
  @ParameterizedTest
  @MethodSource("databases")
  void aReservationOutOfRangeIsCorrupt(TestDatabase db) throws Exception {
    HikariDataSource ds = pool(db);
    JdbcBackend backend = JdbcBackend.builder(ds).tablePrefix(db.prefix).build();
    dev.idempotency.stock.StockReservations stock = dev.idempotency.stock.StockReservations.of(backend.stockStore());
    String sku = "sku-" + UUID.randomUUID();
    stock.declare(sku, 5);
    dev.idempotency.stock.Reservation r = stock.reserve(sku, "mallory").reservation();
    String[][] tampered = {{"-3", "0", r.id()}, {"1", "7", r.id()}, {"1", "0", "a b"}};
    for (String[] t : tampered) {
      String set = String.join(",", t);
      try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
          "UPDATE " + db.prefix + "stock_holds SET quantity = " + t[0] + ", status = " + t[1] + ", reservation_id = ?"
              + " WHERE holder = 'mallory'")) {
        ps.setString(1, t[2]);
        assertThat(ps.executeUpdate()).isEqualTo(1);
        if (!c.getAutoCommit()) {
          c.commit();
        }
      }
      assertThatThrownBy(() -> stock.reservation(sku, "mallory")).as(set).isInstanceOf(CorruptRecordException.class);
      assertThatThrownBy(() -> stock.release(r)).as(set).isInstanceOf(CorruptRecordException.class);
      assertThatThrownBy(() -> stock.confirm(r)).as(set).isInstanceOf(CorruptRecordException.class);
      assertThatThrownBy(() -> stock.reserve(sku, "mallory")).as(set).isInstanceOf(CorruptRecordException.class);
    }
  }
}
