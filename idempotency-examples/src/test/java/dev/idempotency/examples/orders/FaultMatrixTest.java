package dev.idempotency.examples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.examples.orders.demo.Http;
import dev.idempotency.testsupport.RedisProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fault matrix: the order service (in a JVM of its own, on its own Redis, the local PostgreSQL
 * and RabbitMQ) is stormed with order intents while one fault strikes, and every intent is retried
 * as clients do: with the same {@code Idempotency-Key}, with a new key and the same form token, or
 * only late, after the fault. For each fault and retry pattern, with {@value #INTENTS} intents:
 * orders in the database equal the intents answered 2xx at least once; no intent has two orders; no
 * retry of an intent whose order exists is refused; every answer is 2xx, a 4xx that says to retry
 * later ({@code Retry-After}) or a 503 with {@code Retry-After}, or no answer while the service is
 * dead; and every intent's retry after the fault gets the intent's answer (its one order).
 *
 * <p>The table goes to standard output ({@code FAULT MATRIX |} lines) and to
 * {@code target/fault-matrix.md}; the README's Reliability section quotes it.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultMatrixTest {
  static final int INTENTS = 200;
  private static final String APPLICATION_NAME = "orders-fault-matrix";
  private static final Duration REDIS_TIMEOUT = Duration.ofMillis(500);

  enum Pattern {
    SAME_KEY("same key"), NEW_KEY("new key, same token"), LATE("late retry");

    final String label;

    Pattern(String label) {
      this.label = label;
    }
  }

  /** What came back for one attempt. */
  enum Kind { OK, RETRY_LATER, NO_ANSWER, REFUSED, BROKEN }

  record Attempt(Kind kind, int status, String id, String problem, long sentAt) {}

  /** One person's intent: a form (user, token) and the attempts made for it. */
  static final class Intent {
    final Pattern pattern;
    final String user;
    final String firstKey = UUID.randomUUID().toString();
    String token;
    final List<Attempt> attempts = Collections.synchronizedList(new ArrayList<>());

    Intent(Pattern pattern, String user) {
      this.pattern = pattern;
      this.user = user;
    }

    boolean answered() {
      synchronized (attempts) {
        return attempts.stream().anyMatch(a -> a.kind() == Kind.OK);
      }
    }
  }

  private static final RedisProcess REDIS = RedisProcess.start();
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static ServiceProcess service;
  private static Http http;
  private static final List<String> TABLE = new ArrayList<>();

  @BeforeAll
  static void startService() {
    Map<String, String> pg = ExampleServers.postgres();
    List<String> props = new ArrayList<>(List.of(
        "idempotency.backend=redis", "idempotency.redis.url=" + REDIS.uri(),
        "idempotency.redis.timeout=" + REDIS_TIMEOUT.toMillis() + "ms",
        "idempotency.redis.connect-timeout=" + REDIS_TIMEOUT.toMillis() + "ms",
        "idempotency.redis.key-prefix=fault-matrix",
        // A fixed signing key, as a deployment sets one: tokens stay valid across a restart.
        "orders.token-secret=fault-matrix-signing-key-of-this-test",
        "spring.datasource.hikari.connection-init-sql=SET statement_timeout = 5000; SET lock_timeout = 2000",
        "spring.datasource.hikari.data-source-properties.ApplicationName=" + APPLICATION_NAME,
        "logging.level.root=WARN"));
    pg.forEach((k, v) -> props.add(k + "=" + v));
    ExampleServers.rabbitmq().forEach((k, v) -> props.add(k + "=" + v));
    service = new ServiceProcess("fault-matrix", RedisProcess.freePort(), props);
    service.start();
    http = new Http(service.uri(), JSON);
    TABLE.add("| Fault | Requests sent during the fault | Retry pattern | Intents | Answered 2xx | Orders"
        + " | Intents with two orders | Retries refused with an order | Other answers | Retry after the fault got the order |");
    TABLE.add("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  }

  @AfterAll
  static void stop() throws IOException {
    if (service != null) {
      service.close();
    }
    REDIS.stop();
    if (TABLE.size() > 2) {
      Files.writeString(Path.of("target", "fault-matrix.md"), String.join("\n", TABLE) + "\n", StandardCharsets.UTF_8);
    }
  }

  @Test
  @Order(1)
  void serviceKilledWithSigkillMidStormAndRestarted() throws Exception {
    storm("service killed (SIGKILL) mid-storm, restarted", "/orders", service::kill, service::start);
  }

  @Test
  @Order(2)
  void redisKilledAndRestartedEmpty() throws Exception {
    storm("Redis killed, restarted empty", "/orders", REDIS::kill, () -> {
      ServiceProcess.sleep(300);
      REDIS.launch();
    });
  }

  @Test
  @Order(3)
  void redisPausedPastTheClientTimeout() throws Exception {
    long[] healthMillis = new long[1];
    int[] statuses = new int[2];
    storm("Redis paused 3x the client timeout", "/orders", () -> {
      REDIS.signal("STOP");
      try {
        long started = System.nanoTime();
        statuses[0] = http.get("/actuator/health").status();
        healthMillis[0] = (System.nanoTime() - started) / 1_000_000;
        statuses[1] = http.get("/actuator/health/readiness").status();
      } catch (IOException e) {
        REDIS.signal("CONT");
        throw new IllegalStateException(e);
      }
    }, () -> {
      ServiceProcess.sleep(Math.max(0, REDIS_TIMEOUT.toMillis() * 3 - healthMillis[0]));
      REDIS.signal("CONT");
    });
    System.out.println("RELIABILITY | order service, Redis paused | health " + statuses[0] + " in " + healthMillis[0]
        + " ms; readiness " + statuses[1] + " (the database layers carry orders)");
    assertThat(statuses[0]).as("health names the paused Redis DOWN").isEqualTo(503);
    assertThat(healthMillis[0]).as("within 2 s").isLessThan(2_000);
    assertThat(statuses[1]).as("readiness stays UP: orders go on without Redis").isEqualTo(200);
  }

  @Test
  @Order(4)
  void postgresConnectionsKilled() throws Exception {
    storm("PostgreSQL connections killed (3 rounds)", "/orders", FaultMatrixTest::killDatabaseConnections, () -> {
      for (int round = 0; round < 2; round++) {
        ServiceProcess.sleep(150);
        killDatabaseConnections();
      }
    });
  }

  @Test
  @Order(5)
  void rabbitMqStoppedAndStarted() throws Exception {
    storm("RabbitMQ stopped and started (async orders)", "/orders/async", () -> rabbitmq("stop_app"), () -> {
      ServiceProcess.sleep(1_000);
      rabbitmq("start_app");
    });
  }

  private static void rabbitmq(String action) {
    try {
      OrderServiceFaultsTest.rabbitmqctl(action);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Storms {@value #INTENTS} intents of each retry pattern, interleaved, a few milliseconds apart; a
   * third of the way in, {@code down} strikes (the storm waits for it), and {@code up} ends the fault
   * while the storm goes on. Then the late pattern retries, every intent is retried once more, and the
   * row of each pattern is checked and printed.
   */
  private void storm(String fault, String path, Runnable down, Runnable up) throws Exception {
    boolean async = path.endsWith("async");
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<Intent> intents = new ArrayList<>();
    for (Pattern p : Pattern.values()) {
      for (int i = 0; i < INTENTS; i++) {
        intents.add(new Intent(p, "fm-" + run + "-" + p.ordinal() + "-" + i));
      }
    }
    Collections.shuffle(intents, new Random(42));
    ExecutorService pool = Executors.newFixedThreadPool(48);
    try {
      // The forms were loaded before the storm: each intent has its token.
      for (Future<?> f : pool.invokeAll(intents.stream().map(i -> (java.util.concurrent.Callable<Object>) () -> {
        i.token = http.post("/tokens", Map.of("userId", i.user), null).text("token");
        return null;
      }).toList())) {
        f.get();
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(100).toNanos();
      List<Future<?>> first = new ArrayList<>();
      Thread healer = null;
      long[] window = new long[2];
      for (int n = 0; n < intents.size(); n++) {
        if (n == intents.size() / 3) {
          window[0] = System.nanoTime();
          down.run();
          healer = new Thread(() -> {
            up.run();
            window[1] = System.nanoTime();
          }, "fault-ends");
          healer.start();
        }
        Intent i = intents.get(n);
        first.add(pool.submit(() -> untilAnswered(i, path, i.pattern != Pattern.LATE, deadline)));
        Thread.sleep(4);
      }
      for (Future<?> f : first) {
        f.get();
      }
      healer.join(Duration.ofSeconds(120).toMillis());
      assertThat(window[1]).as("the fault ended").isPositive();
      long during = intents.stream().flatMap(i -> i.attempts.stream())
          .filter(a -> a.sentAt() >= window[0] && a.sentAt() <= window[1]).count();
      // After the fault: the late pattern retries now, with its first key, until answered.
      List<Future<?>> late = new ArrayList<>();
      for (Intent i : intents) {
        if (i.pattern == Pattern.LATE) {
          late.add(pool.submit(() -> untilAnswered(i, path, true, deadline)));
        }
      }
      for (Future<?> f : late) {
        f.get();
      }
      if (async) {
        OrderServiceFaultsTest.await("the async requests settled", Duration.ofSeconds(60),
            () -> pending(run) == 0);
      }
      // One more retry of every intent, as a person who reloads: it must get the intent's one order.
      Map<Intent, Attempt> after = new HashMap<>();
      for (Intent i : intents) {
        String key = i.pattern == Pattern.NEW_KEY ? UUID.randomUUID().toString() : i.firstKey;
        after.put(i, attempt(i, path, key));
      }
      report(fault, async, run, intents, after, during);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Sends the intent until it is answered 2xx or refused, or the deadline passes; once if not retrying. */
  private static void untilAnswered(Intent i, String path, boolean retry, long deadline) {
    String key = i.firstKey;
    while (true) {
      Attempt a = attempt(i, path, key);
      if (!retry || a.kind() == Kind.OK || a.kind() == Kind.REFUSED || System.nanoTime() > deadline) {
        return;
      }
      ServiceProcess.sleep(a.kind() == Kind.NO_ANSWER ? 250 : 500);
      if (i.pattern == Pattern.NEW_KEY) {
        key = UUID.randomUUID().toString();
      }
    }
  }

  private static Attempt attempt(Intent i, String path, String key) {
    Map<String, Object> form = Map.of("userId", i.user, "productId", "fm", "quantity", 1, "submitToken", i.token);
    Attempt a;
    long sentAt = System.nanoTime();
    try {
      Http.Response r = http.sendAsync("POST", path, form, key).join();
      int s = r.status();
      Kind kind = s >= 200 && s < 300 ? Kind.OK
          : (s == 503 || s == 409 || s == 429) && r.retryAfter() != null ? Kind.RETRY_LATER
          : s >= 400 && s < 500 ? Kind.REFUSED : Kind.BROKEN;
      a = new Attempt(kind, s, r.text(path.endsWith("async") ? "requestId" : "orderId"), r.text("type"),
          sentAt);
    } catch (CompletionException e) {
      a = new Attempt(e.getCause() instanceof IOException ? Kind.NO_ANSWER : Kind.BROKEN, 0, null,
          String.valueOf(e.getCause()), sentAt);
    }
    i.attempts.add(a);
    return a;
  }

  private void report(String fault, boolean async, String run, List<Intent> intents, Map<Intent, Attempt> after,
      long during) throws SQLException {
    Map<String, Integer> orders = ordersByUser(run);
    Map<String, String> orderIds = async ? Map.of() : orderIdByUser(run);
    List<String> failures = new ArrayList<>();
    for (Pattern p : Pattern.values()) {
      List<Intent> cell = intents.stream().filter(i -> i.pattern == p).toList();
      long answered = cell.stream().filter(Intent::answered).count();
      int made = cell.stream().mapToInt(i -> orders.getOrDefault(i.user, 0)).sum();
      long doubles = cell.stream().filter(i -> orders.getOrDefault(i.user, 0) > 1).count();
      long refusedWithOrder = cell.stream().filter(i -> orders.getOrDefault(i.user, 0) > 0)
          .flatMap(i -> i.attempts.stream()).filter(a -> a.kind() == Kind.REFUSED).count();
      Map<String, Long> other = new TreeMap<>();
      cell.stream().flatMap(i -> i.attempts.stream()).filter(a -> a.kind() != Kind.OK)
          .forEach(a -> other.merge(label(a), 1L, Long::sum));
      long afterOk = cell.stream().filter(i -> after.get(i).kind() == Kind.OK
          && (async || after.get(i).id().equals(orderIds.get(i.user)))).count();
      String row = "| " + fault + " | " + during + " | " + p.label + " | " + cell.size() + " | " + answered + " | " + made + " | "
          + doubles + " | " + refusedWithOrder + " | " + (other.isEmpty() ? "none" : other.toString()
          .replaceAll("[{}]", "")) + " | " + afterOk + " of " + cell.size() + " |";
      TABLE.add(row);
      System.out.println("FAULT MATRIX " + row);
      check(failures, made == answered, p, "orders " + made + " != intents answered 2xx " + answered);
      check(failures, doubles == 0, p, doubles + " intents with two orders");
      check(failures, refusedWithOrder == 0, p, refusedWithOrder + " retries refused although the order existed");
      check(failures, afterOk == cell.size(), p, (cell.size() - afterOk) + " retries after the fault not answered"
          + " with the intent's order: " + cell.stream().filter(i -> after.get(i).kind() != Kind.OK).limit(3)
          .map(i -> i.user + " " + i.attempts).toList());
      check(failures, cell.stream().flatMap(i -> i.attempts.stream()).noneMatch(a -> a.kind() == Kind.BROKEN
          || a.kind() == Kind.REFUSED), p, "answers outside 2xx, retry-later and no-answer: " + other);
    }
    assertThat(failures).as("fault: " + fault).isEmpty();
  }

  private static String label(Attempt a) {
    return switch (a.kind()) {
      case NO_ANSWER -> "no answer (service down)";
      case BROKEN -> a.status() == 0 ? "broken " + a.problem() : a.status() + " " + (a.problem() == null ? ""
          : a.problem().substring(a.problem().lastIndexOf('/') + 1));
      default -> a.status() + " " + (a.problem() == null ? "" : a.problem().substring(a.problem().lastIndexOf('/') + 1));
    };
  }

  private static void check(List<String> failures, boolean holds, Pattern p, String what) {
    if (!holds) {
      failures.add(p.label + ": " + what);
    }
  }

  private static Map<String, Integer> ordersByUser(String run) throws SQLException {
    return query("SELECT user_id, COUNT(*) FROM shop_orders WHERE user_id LIKE ? GROUP BY user_id", run,
        rs -> rs.getInt(2));
  }

  private static Map<String, String> orderIdByUser(String run) throws SQLException {
    return query("SELECT user_id, MIN(order_id) FROM shop_orders WHERE user_id LIKE ? GROUP BY user_id", run,
        rs -> rs.getString(2));
  }

  private interface Column<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private static <T> Map<String, T> query(String sql, String run, Column<T> column) throws SQLException {
    Map<String, T> out = new HashMap<>();
    try (Connection c = connect(); PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, "fm-" + run + "-%");
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), column.read(rs));
        }
      }
    }
    return out;
  }

  private static long pending(String run) {
    try (Connection c = connect(); PreparedStatement s = c.prepareStatement(
        "SELECT COUNT(*) FROM shop_requests WHERE user_id LIKE ? AND status = 'PENDING'")) {
      s.setString(1, "fm-" + run + "-%");
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Connection connect() throws SQLException {
    Map<String, String> pg = ExampleServers.postgres();
    return DriverManager.getConnection(pg.get("spring.datasource.url"), pg.get("spring.datasource.username"),
        pg.get("spring.datasource.password"));
  }

  private static void killDatabaseConnections() {
    try (Connection admin = connect(); PreparedStatement kill = admin.prepareStatement(
        "SELECT COUNT(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = ?")) {
      kill.setString(1, APPLICATION_NAME);
      kill.executeQuery().close();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
