package dev.idempotency.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.CallOptions;
import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.InvalidInputException;
import dev.idempotency.Scope;
import dev.idempotency.StoreUnavailableException;
import dev.idempotency.codec.Codecs;
import dev.idempotency.dedup.Deduplicator;
import dev.idempotency.defence.DefenceOutcome;
import dev.idempotency.defence.FailurePolicy;
import dev.idempotency.defence.LayeredDefence;
import dev.idempotency.lock.DistributedLocks;
import dev.idempotency.lock.LockHandle;
import dev.idempotency.lock.LockOptions;
import dev.idempotency.memory.InMemoryBackend;
import dev.idempotency.state.StateMachine;
import dev.idempotency.testkit.Race;
import dev.idempotency.testsupport.RedisProcess;
import dev.idempotency.token.OneTimeTokens;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** What is particular to Redis: key layout, TTLs, scripts, round trips, and faults of a real server. */
class RedisBackendTest {
  enum Status { NEW, PAID }

  private final RedisClients shared = RedisClients.standalone();
  private RedisProcess own;

  @AfterEach
  void stop() {
    shared.close();
    if (own != null) {
      own.stop();
    }
  }

  private static Jedis admin(String uri) {
    java.net.URI u = java.net.URI.create(uri);
    return new Jedis(u.getHost(), u.getPort() < 0 ? 6379 : u.getPort(), 2000);
  }

  private static Set<String> keys(Jedis jedis, String prefix) {
    Set<String> all = new HashSet<>();
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<String> page = jedis.scan(cursor, new ScanParams().match(prefix + ":*").count(1000));
      all.addAll(page.getResult());
      cursor = page.getCursor();
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    return all;
  }

  private static void everyOperation(RedisBackend redis) {
    IdempotencyEngine engine = IdempotencyEngine.builder(redis.idempotencyStore()).build();
    engine.execute(IdempotencyKey.of("ttl", "done"), Fingerprint.none(), Codecs.string(), c -> "x");
    try {
      engine.execute(IdempotencyKey.of("ttl", "released"), Fingerprint.none(), Codecs.string(), c -> {
        throw new IllegalStateException("released, leaves nothing");
      });
    } catch (IllegalStateException expected) {
      // the claim was released
    }
    redis.idempotencyStore().claim(IdempotencyKey.of("ttl", "running").storageKey(), "", Duration.ofSeconds(30));
    OneTimeTokens.builder(redis.tokenStore()).build().issue(Scope.of("ttl"));
    Deduplicator.builder(redis.dedupStore()).build().markFirst("ttl", "m-1");
    try (DistributedLocks locks = DistributedLocks.builder(redis.lockStore()).build()) {
      locks.tryLock(IdempotencyKey.of("ttl", "held")).orElseThrow().extend(Duration.ofSeconds(30));
      locks.tryLock(IdempotencyKey.of("ttl", "released")).orElseThrow().release();
    }
    StateMachine<Status> m = StateMachine.builder(Status.class, redis.stateStore("orders"), "orders")
        .allow(Status.NEW, Status.PAID).build();
    m.create("o-1", Status.NEW);
    m.transition("o-1", Status.PAID);
  }

  /**
   * A record keeps a SHA-256 fingerprint as its 32 bytes, not 64 hex digits; a record written with
   * the hex text before is replayed alike, and a different request under either is still a reused key.
   */
  @Test
  void aFingerprintIsStoredAsItsThirtyTwoBytesAndARecordWithItsHexTextIsReadAlike() {
    RedisBackend redis = shared.newBackend();
    IdempotencyEngine engine = IdempotencyEngine.builder(redis.idempotencyStore()).build();
    Fingerprint fp = Fingerprint.sha256("{\"order\":1}");
    IdempotencyKey fresh = IdempotencyKey.of("fp", "binary");
    assertThat(engine.execute(fresh, fp, Codecs.string(), c -> "first").value()).isEqualTo("first");
    IdempotencyKey legacy = IdempotencyKey.of("fp", "hex-text");
    try (Jedis jedis = admin(RedisServers.standaloneUri())) {
      byte[] record = redis.keys().bytes(RedisKeys.Type.RECORD, fresh.storageKey());
      assertThat(jedis.hget(record, "f".getBytes(java.nio.charset.StandardCharsets.UTF_8))).hasSize(32);
      // The same record as an earlier version wrote it: the fingerprint as its hex text.
      byte[] old = redis.keys().bytes(RedisKeys.Type.RECORD, legacy.storageKey());
      java.util.Map<byte[], byte[]> fields = jedis.hgetAll(record);
      jedis.hset(old, fields);
      jedis.hset(old, "f".getBytes(java.nio.charset.StandardCharsets.UTF_8),
          fp.value().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      jedis.pexpire(old, 60_000);
    }
    AtomicInteger runs = new AtomicInteger();
    for (IdempotencyKey key : new IdempotencyKey[] {fresh, legacy}) {
      assertThat(engine.execute(key, fp, Codecs.string(), c -> "again " + runs.incrementAndGet()).value())
          .as(key.toString()).isEqualTo("first");
      assertThatThrownBy(() -> engine.execute(key, Fingerprint.sha256("{\"order\":2}"), Codecs.string(),
          c -> "other " + runs.incrementAndGet())).as(key.toString()).isInstanceOf(dev.idempotency.KeyReusedException.class);
    }
    assertThat(runs).hasValue(0);
  }

  @Test
  void everyKeyWrittenHasATtl() {
    RedisBackend redis = shared.newBackend();
    everyOperation(redis);
    try (Jedis jedis = admin(RedisServers.standaloneUri())) {
      Set<String> written = keys(jedis, shared.prefix());
      assertThat(written).hasSize(7);
      for (String k : written) {
        assertThat(jedis.pttl(k)).as("PTTL of %s", k).isPositive();
      }
      assertThat(jedis.pttl(redis.keys().key(RedisKeys.Type.RECORD, IdempotencyKey.of("ttl", "running").storageKey())))
          .isBetween(1L, 30_000L);
    }
  }

  @Test
  void nothingIsLeftBehindAfterAReleasedClaim() {
    RedisBackend redis = shared.newBackend();
    IdempotencyEngine engine = IdempotencyEngine.builder(redis.idempotencyStore()).build();
    assertThatThrownBy(() -> engine.execute(IdempotencyKey.of("orders", "fails"), Fingerprint.none(), Codecs.string(),
        c -> {
          throw new IllegalStateException("fail");
        })).isInstanceOf(IllegalStateException.class);
    try (Jedis jedis = admin(RedisServers.standaloneUri())) {
      assertThat(keys(jedis, shared.prefix())).isEmpty();
    }
  }

  @Test
  void scriptsAreReloadedAfterScriptFlush() {
    RedisBackend redis = shared.newBackend();
    IdempotencyEngine engine = IdempotencyEngine.builder(redis.idempotencyStore()).build();
    engine.execute(IdempotencyKey.of("flush", "a"), Fingerprint.none(), Codecs.string(), c -> "a");
    try (Jedis jedis = admin(RedisServers.standaloneUri())) {
      jedis.scriptFlush();
    }
    assertThat(engine.execute(IdempotencyKey.of("flush", "b"), Fingerprint.none(), Codecs.string(), c -> "b").value())
        .isEqualTo("b");
    assertThat(engine.execute(IdempotencyKey.of("flush", "a"), Fingerprint.none(), Codecs.string(), c -> "z").value())
        .isEqualTo("a");
  }

  @Test
  void scriptsAreReloadedOnEveryClusterNodeAfterScriptFlush() {
    RedisBackend redis = RedisClients.cluster().newBackend();
    IdempotencyEngine engine = IdempotencyEngine.builder(redis.idempotencyStore()).build();
    for (int i = 0; i < 30; i++) {
      engine.execute(IdempotencyKey.of("flush", "k" + i), Fingerprint.none(), Codecs.integers(), c -> 1);
    }
    for (RedisProcess node : RedisCluster.shared().nodes()) {
      try (Jedis jedis = new Jedis("127.0.0.1", node.port(), 2000)) {
        jedis.scriptFlush();
      }
    }
    for (int i = 30; i < 60; i++) {
      int n = i;
      assertThat(engine.execute(IdempotencyKey.of("flush", "k" + i), Fingerprint.none(), Codecs.integers(), c -> n).value())
          .isEqualTo(i);
    }
    redis.close();
  }

  @Test
  void allKeysOfOneOperationHashToOneSlotAndKeysSpreadOverTheCluster() {
    RedisBackend redis = RedisClients.cluster().newBackend();
    RedisProcess node = RedisCluster.shared().nodes().get(0);
    try (Jedis jedis = new Jedis("127.0.0.1", node.port(), 2000)) {
      for (String storageKey : List.of(IdempotencyKey.of("orders", "u", "k").storageKey(),
          IdempotencyKey.of("orders", "a}b{c").storageKey(), IdempotencyKey.of("orders", "{x}", "}").storageKey())) {
        Set<Long> slots = new HashSet<>();
        for (RedisKeys.Type type : RedisKeys.Type.values()) {
          slots.add(jedis.clusterKeySlot(redis.keys().key(type, storageKey)));
        }
        slots.add(jedis.clusterKeySlot(redis.keys().stateKey("orders", storageKey)));
        assertThat(slots).as("slots of %s", storageKey).hasSize(1);
      }
    }
    IdempotencyEngine engine = IdempotencyEngine.builder(redis.idempotencyStore()).build();
    for (int i = 0; i < 100; i++) {
      engine.execute(IdempotencyKey.of("spread", "k" + i), Fingerprint.none(), Codecs.string(), c -> "v");
    }
    for (RedisProcess n : RedisCluster.shared().nodes()) {
      try (Jedis jedis = new Jedis("127.0.0.1", n.port(), 2000)) {
        assertThat(jedis.dbSize()).as("keys on node %d", n.port()).isPositive();
      }
    }
    redis.close();
  }

  /** Round trips {@code op} made, counted by the server. */
  private static long roundTrips(CommandMonitor monitor, Runnable op) {
    List<String> sent = monitor.commandsOf(op);
    System.out.println("sent: " + sent);
    return sent.size();
  }

  @Test
  void everyOperationIsOneRoundTrip() {
    own = RedisProcess.start();
    try (RedisBackend redis = RedisBackend.builder().uri(own.uri()).build();
        CommandMonitor admin = new CommandMonitor("127.0.0.1", own.port())) {
      everyOperation(redis); // loads every script once
      IdempotencyEngine engine = IdempotencyEngine.builder(redis.idempotencyStore()).build();
      IdempotencyKey k = IdempotencyKey.of("rt", "order-1");
      assertThat(roundTrips(admin, () -> engine.execute(k, Fingerprint.none(), Codecs.string(), c -> "r")))
          .as("first call: claim + complete").isEqualTo(2);
      assertThat(roundTrips(admin, () -> engine.execute(k, Fingerprint.none(), Codecs.string(), c -> "r")))
          .as("replay: claim").isEqualTo(1);
      assertThat(roundTrips(admin, () -> {
        try {
          engine.execute(IdempotencyKey.of("rt", "fails"), Fingerprint.none(), Codecs.string(), c -> {
            throw new IllegalStateException();
          });
        } catch (IllegalStateException expected) {
          // released
        }
      })).as("failure: claim + release").isEqualTo(2);

      OneTimeTokens tokens = OneTimeTokens.builder(redis.tokenStore()).build();
      String[] token = new String[1];
      assertThat(roundTrips(admin, () -> token[0] = tokens.issue(Scope.of("rt")))).as("issue").isEqualTo(1);
      assertThat(roundTrips(admin, () -> tokens.consume(Scope.of("rt"), token[0]))).as("consume").isEqualTo(1);

      try (DistributedLocks locks = DistributedLocks.builder(redis.lockStore()).build()) {
        LockHandle[] h = new LockHandle[1];
        assertThat(roundTrips(admin, () -> h[0] = locks.tryLock(IdempotencyKey.of("rt", "l")).orElseThrow()))
            .as("lock acquire").isEqualTo(1);
        assertThat(roundTrips(admin, () -> h[0].extend(Duration.ofSeconds(5)))).as("lock extend").isEqualTo(1);
        assertThat(roundTrips(admin, () -> h[0].release())).as("lock release").isEqualTo(1);
      }
      Deduplicator dedup = Deduplicator.builder(redis.dedupStore()).build();
      assertThat(roundTrips(admin, () -> dedup.markFirst("rt", "m"))).as("dedup").isEqualTo(1);
      StateMachine<Status> m = StateMachine.builder(Status.class, redis.stateStore("orders"), "orders")
          .allow(Status.NEW, Status.PAID).build();
      assertThat(roundTrips(admin, () -> m.create("rt-1", Status.NEW))).as("create").isEqualTo(1);
      assertThat(roundTrips(admin, () -> m.transition("rt-1", Status.PAID))).as("transition").isEqualTo(1);
      assertThat(roundTrips(admin, () -> m.transition("rt-1", Status.PAID))).as("repeat transition").isEqualTo(1);
    }
  }

  @Test
  void aKilledServerIsStoreUnavailableNamingTheEndpointAndRecoveryNeedsNoRebuild() {
    own = RedisProcess.start();
    try (RedisBackend redis = RedisBackend.builder().uri(own.uri())
        .connectTimeout(Duration.ofMillis(500)).socketTimeout(Duration.ofMillis(500)).build()) {
      IdempotencyEngine engine = IdempotencyEngine.builder(redis.idempotencyStore()).build();
      AtomicInteger runs = new AtomicInteger();
      engine.execute(IdempotencyKey.of("fault", "before"), Fingerprint.none(), Codecs.string(), c -> "ok");

      own.kill();
      assertThatThrownBy(() -> engine.execute(IdempotencyKey.of("fault", "during"), Fingerprint.none(), Codecs.string(),
          c -> "" + runs.incrementAndGet()))
          .isInstanceOfSatisfying(StoreUnavailableException.class, e -> {
            assertThat(e.store()).isEqualTo("redis 127.0.0.1:" + own.port());
            assertThat(e.getMessage()).contains("127.0.0.1:" + own.port());
          });
      assertThat(runs).hasValue(0);

      own.launch();
      assertThat(engine.execute(IdempotencyKey.of("fault", "after"), Fingerprint.none(), Codecs.string(), c -> "back").value())
          .isEqualTo("back");
    }
  }

  @Test
  void aPausedServerTimesOutAsStoreUnavailableAndResumes() {
    own = RedisProcess.start();
    try (RedisBackend redis = RedisBackend.builder().uri(own.uri())
        .connectTimeout(Duration.ofMillis(300)).socketTimeout(Duration.ofMillis(300)).build()) {
      Deduplicator dedup = Deduplicator.builder(redis.dedupStore()).build();
      dedup.markFirst("pause", "warm");
      own.signal("STOP");
      try {
        long start = System.nanoTime();
        assertThatThrownBy(() -> dedup.markFirst("pause", "m")).isInstanceOf(StoreUnavailableException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      } finally {
        own.signal("CONT");
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (true) {
        try {
          assertThat(dedup.markFirst("pause", "after").isFirst()).isTrue();
          break;
        } catch (StoreUnavailableException e) {
          if (System.nanoTime() > deadline) {
            throw e;
          }
          RedisProcess.sleep(50);
        }
      }
    }
  }

  @Test
  void withRedisDownOnSkipTheDurableLayerAloneLetsExactlyOneOrderThrough() throws Exception {
    int closedPort = RedisProcess.freePort();
    record Order(String key, String token) {}
    try (RedisBackend down = RedisBackend.builder().hostAndPort("127.0.0.1", closedPort)
        .connectTimeout(Duration.ofMillis(200)).build();
        DistributedLocks locks = DistributedLocks.builder(down.lockStore()).build()) {
      InMemoryBackend database = InMemoryBackend.create();
      AtomicInteger placed = new AtomicInteger();
      LayeredDefence<Order, String> defence = LayeredDefence.<Order, String>builder("orders")
          .layer(OneTimeTokens.builder(down.tokenStore()).build().asLayer(o -> Scope.of("checkout"), Order::token), FailurePolicy.SKIP)
          .layer(locks.asLayer(o -> IdempotencyKey.of("order-lock", o.key()), LockOptions.DEFAULTS), FailurePolicy.SKIP)
          .layer(IdempotencyEngine.builder(down.idempotencyStore()).build().asLayer(
              o -> IdempotencyKey.of("orders", o.key()), o -> Fingerprint.none(), Codecs.string(), CallOptions.DEFAULTS), FailurePolicy.SKIP)
          .layer(Deduplicator.builder(database.dedupStore()).build().asLayer(o -> IdempotencyKey.of("orders", o.key())))
          .build();
      List<Race.Outcome<DefenceOutcome<String>>> outcomes = Race.run(16, i -> () ->
          defence.execute(new Order("order-77", String.format("%032d", i)), o -> "placed-" + placed.incrementAndGet()));
      assertThat(outcomes).allSatisfy(o -> assertThat(o.failure()).isNull());
      assertThat(placed).hasValue(1);
    }
  }

  @Test
  void passwordsNeverAppearInNamesOrMessages() {
    own = RedisProcess.start("--requirepass", "s3cr3t-pw");
    String uri = "redis://:s3cr3t-pw@127.0.0.1:" + own.port();
    RedisBackend.Builder builder = RedisBackend.builder().uri(uri);
    assertThat(builder.toString()).doesNotContain("s3cr3t-pw");
    try (RedisBackend redis = builder.build()) {
      assertThat(redis.toString()).doesNotContain("s3cr3t-pw");
      assertThat(Deduplicator.builder(redis.dedupStore()).build().markFirst("pw", "m").isFirst()).isTrue();
    }
    try (RedisBackend wrong = RedisBackend.builder().uri("redis://:wrong-pw-123@127.0.0.1:" + own.port()).build()) {
      assertThatThrownBy(() -> Deduplicator.builder(wrong.dedupStore()).build().markFirst("pw", "m"))
          .isInstanceOf(StoreUnavailableException.class)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong-pw-123"));
    }
  }

  @Test
  void configurationIsValidatedWhereItIsSet() {
    assertThatThrownBy(() -> RedisBackend.builder().uri("http://localhost")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> RedisBackend.builder().uri("redis://host/notanumber")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> RedisBackend.builder().keyPrefix("a{b")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> RedisBackend.builder().keyPrefix("")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> RedisBackend.builder().hostAndPort("h", 0)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> RedisBackend.builder().socketTimeout(Duration.ZERO)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> RedisBackend.builder().cluster(List.of("nohostport"))).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> RedisBackend.builder().cluster(List.of("127.0.0.1:7000")).database(2).build())
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> RedisBackend.builder().maxConnections(0)).isInstanceOf(InvalidInputException.class);
    try (RedisBackend r = RedisBackend.builder().uri("rediss://user:pw@example.invalid:6380/3").build()) {
      assertThat(r.name()).isEqualTo("redis example.invalid:6380/3 (tls)");
    }
  }

  @Test
  void wrapUsesTheCallersClientAndLeavesItOpen() {
    try (RedisClient client = RedisClient.create(java.net.URI.create(RedisServers.standaloneUri()))) {
      RedisBackend wrapped = RedisBackend.wrap(client, "redis shared", "wrapped");
      assertThat(Deduplicator.builder(wrapped.dedupStore()).build().markFirst("wrap", "m-" + System.nanoTime()).isFirst()).isTrue();
      wrapped.close();
      assertThat(client.ping()).isEqualTo("PONG");
    }
  }
}
