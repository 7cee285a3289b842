package dev.idempotency.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.InvalidInputException;
import dev.idempotency.Scope;
import dev.idempotency.StoreUnavailableException;
import dev.idempotency.codec.Codecs;
import dev.idempotency.dedup.DedupResult;
import dev.idempotency.dedup.Deduplicator;
import dev.idempotency.lock.DistributedLocks;
import dev.idempotency.lock.LockHandle;
import dev.idempotency.spi.RateLimitStore;
import dev.idempotency.state.StateMachine;
import dev.idempotency.testkit.Race;
import dev.idempotency.token.OneTimeTokens;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What is particular to JDBC, on every supported database. */
class JdbcBackendTest {
  enum Status { NEW, PAID }

  private JdbcClients clients;

  static Stream<String> databases() {
    return Stream.of("h2", "postgres", "mariadb");
  }

  private JdbcClients on(String database) {
    TestDatabase db = switch (database) {
      case "postgres" -> TestDatabase.postgres();
      case "mariadb" -> TestDatabase.mariadb();
      default -> TestDatabase.h2();
    };
    clients = new JdbcClients(db);
    return clients;
  }

  @AfterEach
  void close() {
    if (clients != null) {
      clients.close();
    }
  }

  private static int countOrders(Connection c, String table, String id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static void insertOrder(Connection c, String table, String id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (id, status, version) VALUES (?, 'NEW', 0)")) {
      ps.setString(1, id);
      ps.executeUpdate();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void theDedupRowAndTheBusinessRowCommitOrRollBackTogether(String database) throws Exception {
    JdbcClients c = on(database);
    JdbcBackend backend = c.newBackend();
    TransactionalDedup dedup = backend.transactionalDedup(Duration.ofHours(1));
    IdempotencyKey message = IdempotencyKey.of("order-paid", "msg-" + UUID.randomUUID());
    String orderId = "o-" + UUID.randomUUID();
    try (Connection conn = c.newDataSource().getConnection()) {
      conn.setAutoCommit(false);
      assertThat(dedup.markFirst(conn, message)).isEqualTo(DedupResult.FIRST);
      insertOrder(conn, c.db.ordersTable, orderId);
      conn.rollback();

      assertThat(countOrders(conn, c.db.ordersTable, orderId)).isZero();
      assertThat(dedup.markFirst(conn, message)).as("the rolled-back mark is gone").isEqualTo(DedupResult.FIRST);
      insertOrder(conn, c.db.ordersTable, orderId);
      conn.commit();
      assertThat(dedup.markFirst(conn, message)).isEqualTo(DedupResult.DUPLICATE);
      conn.commit();
      assertThat(countOrders(conn, c.db.ordersTable, orderId)).isEqualTo(1);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aDuplicateInsideATransactionLeavesTheTransactionUsable(String database) throws Exception {
    JdbcClients c = on(database);
    TransactionalDedup dedup = c.newBackend().transactionalDedup(Duration.ofHours(1));
    IdempotencyKey message = IdempotencyKey.of("order-paid", "msg-" + UUID.randomUUID());
    String orderId = "o-" + UUID.randomUUID();
    try (Connection conn = c.newDataSource().getConnection()) {
      conn.setAutoCommit(false);
      assertThat(dedup.markFirst(conn, message)).isEqualTo(DedupResult.FIRST);
      assertThat(dedup.markFirst(conn, message)).isEqualTo(DedupResult.DUPLICATE);
      // On PostgreSQL an error would have aborted the transaction ("current transaction is aborted");
      // a conflict-free duplicate leaves it usable.
      insertOrder(conn, c.db.ordersTable, orderId);
      conn.commit();
      assertThat(countOrders(conn, c.db.ordersTable, orderId)).isEqualTo(1);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void concurrentTransactionsOnOneMessageProcessItOnce(String database) throws Exception {
    JdbcClients c = on(database);
    TransactionalDedup dedup = c.newBackend().transactionalDedup(Duration.ofHours(1));
    HikariDataSource ds = c.newDataSource();
    IdempotencyKey message = IdempotencyKey.of("order-paid", "msg-" + UUID.randomUUID());
    String orderId = "o-" + UUID.randomUUID();
    List<Race.Outcome<DedupResult>> outcomes = Race.run(8, i -> () -> {
      try (Connection conn = ds.getConnection()) {
        conn.setAutoCommit(false);
        DedupResult r = dedup.markFirst(conn, message);
        if (r == DedupResult.FIRST) {
          Thread.sleep(50);
          insertOrder(conn, c.db.ordersTable, orderId);
        }
        conn.commit();
        return r;
      }
    });
    assertThat(outcomes).allSatisfy(o -> assertThat(o.failure()).isNull());
    assertThat(outcomes.stream().filter(o -> o.value() == DedupResult.FIRST).count()).isEqualTo(1);
    try (Connection conn = ds.getConnection()) {
      assertThat(countOrders(conn, c.db.ordersTable, orderId)).isEqualTo(1);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void eachOperationIsOneStatement(String database) {
    JdbcClients c = on(database);
    ObservedDataSource ds = new ObservedDataSource(c.newDataSource());
    JdbcBackend backend = JdbcBackend.builder(ds).tablePrefix(c.db.prefix).build();
    IdempotencyEngine engine = IdempotencyEngine.builder(backend.idempotencyStore()).build();
    IdempotencyKey key = IdempotencyKey.of("count", UUID.randomUUID().toString());
    String store = backend.name();

    assertThat(ds.count(() -> backend.idempotencyStore().claim(key.storageKey(), "", Duration.ofSeconds(30))))
        .as("claim on %s", store).isEqualTo(1);
    IdempotencyKey fresh = IdempotencyKey.of("count", UUID.randomUUID().toString());
    assertThat(ds.count(() -> engine.execute(fresh, Fingerprint.none(), Codecs.string(), cl -> "r")))
        .as("first call: claim + complete").isEqualTo(2);
    assertThat(ds.count(() -> engine.execute(fresh, Fingerprint.none(), Codecs.string(), cl -> "r")))
        .as("replay: on PostgreSQL and MariaDB the claim and the read of the existing record in one statement, on H2 two")
        .isEqualTo(database.equals("h2") ? 2 : 1);

    Deduplicator dedup = Deduplicator.builder(backend.dedupStore()).build();
    assertThat(ds.count(() -> dedup.markFirst("count", UUID.randomUUID().toString()))).as("dedup").isEqualTo(1);

    OneTimeTokens tokens = OneTimeTokens.builder(backend.tokenStore()).build();
    String[] token = new String[1];
    assertThat(ds.count(() -> token[0] = tokens.issue(Scope.of("count")))).as("issue").isEqualTo(1);
    assertThat(ds.count(() -> tokens.consume(Scope.of("count"), token[0]))).as("consume").isEqualTo(1);

    try (DistributedLocks locks = DistributedLocks.builder(backend.lockStore()).build()) {
      LockHandle[] h = new LockHandle[1];
      assertThat(ds.count(() -> h[0] = locks.tryLock(IdempotencyKey.of("count", "lock")).orElseThrow())).isEqualTo(1);
      assertThat(ds.count(() -> h[0].release())).as("lock release").isEqualTo(1);
    }

    StateMachine<Status> m = StateMachine.builder(Status.class, backend.stateStore(c.orders()), "orders")
        .allow(Status.NEW, Status.PAID).build();
    String id = "o-" + UUID.randomUUID();
    m.create(id, Status.NEW);
    assertThat(ds.count(() -> m.transition(id, Status.PAID))).as("transition").isEqualTo(1);

    assertThat(ds.timeParameters).as("time values sent from the JVM").isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aRateLimitDecisionIsAReadAndAConditionalWriteInAutoCommitAndARefusalWritesNothing(String database) {
    JdbcClients c = on(database);
    ObservedDataSource ds = new ObservedDataSource(c.newDataSource());
    JdbcBackend backend = JdbcBackend.builder(ds).tablePrefix(c.db.prefix).build();
    RateLimitStore store = backend.rateLimitStore();
    String key = "count-" + UUID.randomUUID();
    // Two permits a minute: the first two are granted, the third is refused.
    List<RateLimitStore.Tier> tiers = List.of(new RateLimitStore.Tier(30_000_000L, 60_000_000L));
    long[] answer = new long[1];
    assertThat(ds.count(() -> answer[0] = store.acquire(key, tiers, 1))).as("a new key: read, insert").isEqualTo(2);
    assertThat(answer[0]).isZero();
    assertThat(ds.count(() -> answer[0] = store.acquire(key, tiers, 1))).as("a grant: read, conditional update").isEqualTo(2);
    assertThat(answer[0]).isZero();
    assertThat(ds.count(() -> answer[0] = store.acquire(key, tiers, 1))).as("a refusal: the read alone").isEqualTo(1);
    assertThat(answer[0]).isPositive();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aBoundedRowLockOfARowNobodyHoldsIsOneStatementOnPostgresAndMariaDb(String database) throws Exception {
    JdbcClients c = on(database);
    ObservedDataSource ds = new ObservedDataSource(c.newDataSource());
    JdbcBackend backend = JdbcBackend.builder(ds).tablePrefix(c.db.prefix).build();
    String id = "o-" + UUID.randomUUID();
    try (Connection setup = c.newDataSource().getConnection()) {
      insertOrder(setup, c.db.ordersTable, id);
    }
    RowLocks.Outcome[] outcome = new RowLocks.Outcome[1];
    try (Connection conn = ds.getConnection()) {
      conn.setAutoCommit(false);
      int roundTrips = ds.count(() -> outcome[0] = backend.rowLocks().lock(conn, c.db.ordersTable, "id", id,
          RowLocks.Wait.upTo(Duration.ofMillis(500))));
      assertThat(outcome[0]).isEqualTo(RowLocks.Outcome.LOCKED);
      assertThat(roundTrips).as("savepoint, lock, release on H2; the first try alone elsewhere")
          .isEqualTo(database.equals("h2") ? 3 : 1);
      assertThat(backend.rowLocks().lock(conn, c.db.ordersTable, "id", id + "-missing",
          RowLocks.Wait.upTo(Duration.ofMillis(200)))).isEqualTo(RowLocks.Outcome.NOT_FOUND);
      insertOrder(conn, c.db.ordersTable, id + "-after");
      conn.commit();
      assertThat(countOrders(conn, c.db.ordersTable, id + "-after")).isEqualTo(1);
    }
  }

  /**
   * PostgreSQL's {@code ON CONFLICT DO UPDATE} locks the row it finds even when its {@code WHERE}
   * refuses the update: the row's {@code xmax} becomes the caller's transaction, which was given an
   * id, wrote WAL and flushed it at commit, and concurrent callers of one key queued on the row. A
   * replay, a duplicate mark and an acquisition of a lock someone else holds only read: the row
   * keeps its {@code xmax}.
   */
  @Test
  void onPostgresAReplayADuplicateAndABusyLockNeitherLockTheRowNorWrite() throws Exception {
    JdbcClients c = on("postgres");
    JdbcBackend backend = c.newBackend();
    String id = UUID.randomUUID().toString();
    try (Connection conn = c.newDataSource().getConnection()) {
      IdempotencyEngine engine = IdempotencyEngine.builder(backend.idempotencyStore()).build();
      IdempotencyKey key = IdempotencyKey.of("xmax", id);
      engine.execute(key, Fingerprint.none(), Codecs.string(), cl -> "r");
      String before = xmax(conn, c.db.prefix + "records", id);
      assertThat(engine.execute(key, Fingerprint.none(), Codecs.string(), cl -> "again").value()).isEqualTo("r");
      assertThat(xmax(conn, c.db.prefix + "records", id)).as("the record's xmax after a replay").isEqualTo(before);

      Deduplicator dedup = Deduplicator.builder(backend.dedupStore()).build();
      assertThat(dedup.markFirst("xmax", id)).isEqualTo(DedupResult.FIRST);
      before = xmax(conn, c.db.prefix + "dedup", id);
      assertThat(dedup.markFirst("xmax", id)).isEqualTo(DedupResult.DUPLICATE);
      assertThat(xmax(conn, c.db.prefix + "dedup", id)).as("the mark's xmax after a duplicate").isEqualTo(before);

      try (DistributedLocks holder = DistributedLocks.builder(backend.lockStore()).build();
          DistributedLocks other = DistributedLocks.builder(backend.lockStore()).build()) {
        LockHandle held = holder.tryLock(IdempotencyKey.of("xmax", id)).orElseThrow();
        before = xmax(conn, c.db.prefix + "locks", id);
        assertThat(other.tryLock(IdempotencyKey.of("xmax", id))).isEmpty();
        assertThat(xmax(conn, c.db.prefix + "locks", id)).as("the lock's xmax after a busy acquisition").isEqualTo(before);
        LockHandle again = holder.tryLock(IdempotencyKey.of("xmax", id)).orElseThrow();
        assertThat(again.fencingToken()).as("the holder re-enters").isEqualTo(held.fencingToken());
        again.release();
        held.release();
      }
    }
  }

  private static String xmax(Connection c, String table, String id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT xmax::text FROM " + table + " WHERE key_text LIKE ?")) {
      ps.setString(1, "%" + id + "%");
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("a row of %s", table).isTrue();
        String xmax = rs.getString(1);
        assertThat(rs.next()).as("one row of %s", table).isFalse();
        return xmax;
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void purgeRemovesOnlyExpiredRowsInBoundedBatches(String database) throws Exception {
    JdbcClients c = on(database);
    JdbcBackend backend = c.newBackend();
    IdempotencyEngine engine = IdempotencyEngine.builder(backend.idempotencyStore()).build();
    String run = UUID.randomUUID().toString();
    var shortRetention = dev.idempotency.CallOptions.builder().retention(Duration.ofMillis(300)).build();
    var longRetention = dev.idempotency.CallOptions.builder().retention(Duration.ofHours(1)).build();
    for (int i = 0; i < 5; i++) {
      engine.execute(IdempotencyKey.of("purge", run + "-old-" + i), Fingerprint.none(), Codecs.string(), shortRetention, cl -> "old");
    }
    engine.execute(IdempotencyKey.of("purge", run + "-live"), Fingerprint.none(), Codecs.string(), longRetention, cl -> "live");
    Deduplicator.builder(backend.dedupStore()).retention(Duration.ofMillis(300)).build().markFirst("purge", run);
    Thread.sleep(600);

    long purged = backend.purgeExpired(2);
    assertThat(purged).isGreaterThanOrEqualTo(6);
    try (Connection conn = c.newDataSource().getConnection(); Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + c.db.prefix + "records WHERE key_text LIKE 'purge::" + run + "%'")) {
      rs.next();
      assertThat(rs.getInt(1)).as("only the live record is left").isEqualTo(1);
    }
    assertThat(engine.execute(IdempotencyKey.of("purge", run + "-live"), Fingerprint.none(), Codecs.string(), cl -> "x")
        .value()).isEqualTo("live");
    assertThat(backend.purgeExpired(100)).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void uniqueViolationsAreRecognisedAndInsertOrFindKeepsTheTransaction(String database) throws Exception {
    JdbcClients c = on(database);
    String id = "o-" + UUID.randomUUID();
    try (Connection conn = c.newDataSource().getConnection()) {
      insertOrder(conn, c.db.ordersTable, id);
      SQLException duplicate = null;
      try {
        insertOrder(conn, c.db.ordersTable, id);
      } catch (SQLException e) {
        duplicate = e;
      }
      assertThat((Object) duplicate).isNotNull();
      assertThat(UniqueViolations.isUniqueViolation(duplicate)).isTrue();
      try (Statement s = conn.createStatement()) {
        s.executeQuery("SELECT no_such_column FROM " + c.db.ordersTable);
      } catch (SQLException other) {
        assertThat(UniqueViolations.isUniqueViolation(other)).isFalse();
      }

      conn.setAutoCommit(false);
      String found = UniqueViolations.<String>insertOrFind(conn,
          cx -> {
            insertOrder(cx, c.db.ordersTable, id);
            return "inserted";
          },
          cx -> countOrders(cx, c.db.ordersTable, id) == 1 ? "existing" : null);
      assertThat(found).isEqualTo("existing");
      String other = "o-" + UUID.randomUUID();
      insertOrder(conn, c.db.ordersTable, other); // the transaction is still usable
      conn.commit();
      assertThat(countOrders(conn, c.db.ordersTable, other)).isEqualTo(1);
    }
  }

  @Test
  void injectionAttemptsInIdentifiersAreRefused() {
    for (String bad : List.of("orders; DROP TABLE users", "orders--", "\"orders\"", "or ders", "a.b.c", "1orders", "")) {
      assertThatThrownBy(() -> StateTable.of(bad)).as(bad).isInstanceOf(InvalidInputException.class);
    }
    assertThatThrownBy(() -> new StateTable("orders", "id; --", "status", "version")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> new StateTable("orders", "id", "s.tatus", "version")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> new StateTable("orders", "id", "status", null)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> StateTable.of("orders").withFencingColumn("fence or 1=1")).isInstanceOf(InvalidInputException.class);
    HikariDataSource ds = TestDatabase.h2().newDataSource();
    try {
      assertThatThrownBy(() -> JdbcBackend.builder(ds).tablePrefix("idem'; --")).isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> JdbcBackend.ddl(Dialect.H2, "x y")).isInstanceOf(InvalidInputException.class);
      assertThat(new StateTable("shop.orders", "order_id", "state", "row_version").table()).isEqualTo("shop.orders");
    } finally {
      ds.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aClosedOrExhaustedPoolIsStoreUnavailable(String database) throws Exception {
    JdbcClients c = on(database);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(c.db.url);
    if (c.db.user != null) {
      config.setUsername(c.db.user);
      config.setPassword(c.db.password);
    }
    config.setMaximumPoolSize(1);
    config.setConnectionTimeout(300);
    try (HikariDataSource tiny = new HikariDataSource(config)) {
      JdbcBackend backend = JdbcBackend.builder(tiny).tablePrefix(c.db.prefix).build();
      Deduplicator dedup = Deduplicator.builder(backend.dedupStore()).build();
      try (Connection held = tiny.getConnection()) {
        assertThat(held.isValid(1)).isTrue();
        assertThatThrownBy(() -> dedup.markFirst("pool", "m")).isInstanceOfSatisfying(StoreUnavailableException.class,
            e -> assertThat(e.store()).isEqualTo(backend.name()));
      }
      assertThat(dedup.markFirst("pool", "m-" + UUID.randomUUID()).isFirst()).isTrue();
      tiny.close();
      assertThatThrownBy(() -> dedup.markFirst("pool", "m2")).isInstanceOf(StoreUnavailableException.class);
    }
  }

  @Test
  void anUnreachableDatabaseIsStoreUnavailableAndNamesHaveNoCredentials() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + closed + "/test?password=hunter2");
    config.setUsername("postgres");
    config.setConnectionTimeout(500);
    config.setInitializationFailTimeout(-1);
    try (HikariDataSource ds = new HikariDataSource(config)) {
      assertThatThrownBy(() -> JdbcBackend.builder(ds).build()).isInstanceOf(StoreUnavailableException.class)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
    }
    assertThat(JdbcBackend.Builder.describe(Dialect.POSTGRESQL, "jdbc:postgresql://app:s3cret@db:5432/shop?password=s3cret"))
        .isEqualTo("postgresql db:5432/shop");
    assertThat(JdbcBackend.Builder.describe(Dialect.H2, "jdbc:h2:mem:x;PASSWORD=s3cret")).isEqualTo("h2 h2:mem:x");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aFencedTransitionOnATableWithoutAFencingColumnIsAConfigurationErrorAndWritesNothing(String database) {
    JdbcClients c = on(database);
    StateMachine<Status> m = StateMachine.builder(Status.class, c.newBackend().stateStore(StateTable.of(c.db.ordersTable)),
        "orders").allow(Status.NEW, Status.PAID).build();
    String id = "o-" + UUID.randomUUID();
    m.create(id, Status.NEW);
    assertThatThrownBy(() -> m.transition(id, Status.PAID, dev.idempotency.FencingToken.of(42))).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("fencing column");
    assertThat(m.current(id)).get().extracting(r -> r.current()).isEqualTo(Status.NEW);
    assertThat(m.transition(id, Status.PAID).outcome()).isEqualTo(dev.idempotency.state.TransitionResult.Outcome.APPLIED);
  }

  @Test
  void theShippedDdlParsesForEveryDialect() {
    for (Dialect d : Dialect.values()) {
      List<String> ddl = JdbcBackend.ddl(d, "idem_");
      assertThat(ddl).hasSizeGreaterThanOrEqualTo(4);
      assertThat(ddl).allSatisfy(s -> assertThat(s).doesNotContain("{prefix}").doesNotEndWith(";"));
      assertThat(String.join("\n", ddl)).contains("idem_records", "idem_tokens", "idem_locks", "idem_dedup");
    }
  }
}
