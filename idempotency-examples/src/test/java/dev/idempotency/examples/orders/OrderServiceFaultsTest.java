package dev.idempotency.examples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.examples.orders.demo.Chaos;
import dev.idempotency.examples.orders.demo.Http;
import dev.idempotency.examples.orders.flashsale.FlashSales;
import dev.idempotency.examples.orders.order.OrderStore;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The order service under faults on real servers: RabbitMQ restarted while the consumers work
 * through a stream of async orders (every message still makes exactly one order), and the
 * service's PostgreSQL connections killed while consumers sit inside their flash-sale transactions
 * (order, dedup row and stock change are all there or all absent: every accepted purchase ends as
 * exactly one order, and the stock taken equals the orders). Redis killed mid-storm is in
 * {@link RedisDownTest}.
 */
class OrderServiceFaultsTest {
  static final String APPLICATION_NAME = "orders-under-faults";

  static void await(String what, Duration max, BooleanSupplier done) throws InterruptedException {
    long end = System.nanoTime() + max.toNanos();
    while (!holds(done)) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out after " + max + " waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  /** A condition that a killed pooled connection made fail is not yet true (the pool drops that connection). */
  static boolean holds(BooleanSupplier condition) {
    try {
      return condition.getAsBoolean();
    } catch (org.springframework.dao.DataAccessException killed) {
      return false;
    }
  }

  static long pending(OrderStore store, List<String> requestIds) {
    return requestIds.stream().filter(id -> "PENDING".equals(store.jdbc().queryForObject(
        "SELECT status FROM shop_requests WHERE request_id = ?", String.class, id))).count();
  }

  /** Runs a command of the local RabbitMQ's tools, bounded; fails saying what it needs. */
  static void rabbitmqctl(String action) throws Exception {
    Process p;
    try {
      p = new ProcessBuilder("rabbitmqctl", "-q", action).redirectErrorStream(true).start();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("this test restarts the local RabbitMQ with rabbitmqctl, which is not on the PATH", e);
    }
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("rabbitmqctl " + action + " failed: " + out);
    }
  }

  @Nested
  @DirtiesContext
  @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
  class RabbitMqRestartedMidStream {
    @LocalServerPort
    int port;
    @Autowired
    OrderStore store;
    @Autowired
    FlashSales sales;
    @Autowired
    Chaos chaos;
    @Autowired
    JsonMapper json;

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
      ExampleServers.postgres().forEach((k, v) -> registry.add(k, () -> v));
      ExampleServers.rabbitmq().forEach((k, v) -> registry.add(k, () -> v));
    }

    @Test
    void aRequestWhileTheBrokerIsDownIs503LeavesNothingPendingAndItsRetryMakesOneOrder() throws Exception {
      Http http = new Http(URI.create("http://127.0.0.1:" + port), json);
      String user = "rmqdown-" + UUID.randomUUID().toString().substring(0, 8);
      Map<String, Object> form = Map.of("userId", user, "productId", "p1", "quantity", 1);
      String key = UUID.randomUUID().toString();
      Http.Response down;
      long answeredMillis;
      rabbitmqctl("stop_app");
      try {
        long started = System.nanoTime();
        down = http.post("/orders/async", form, key);
        answeredMillis = (System.nanoTime() - started) / 1_000_000;
      } finally {
        rabbitmqctl("start_app");
      }
      System.out.println("RELIABILITY | order service, RabbitMQ down | POST /orders/async answered " + down.status()
          + " in " + answeredMillis + " ms");
      assertThat(down.status()).isEqualTo(503);
      assertThat(down.contentType()).startsWith("application/problem+json");
      assertThat(down.retryAfter()).isNotBlank();
      assertThat(down.text("detail")).doesNotContain("Exception").doesNotContain("amqp");
      assertThat(answeredMillis).isLessThan(5_000);
      assertThat(store.jdbc().queryForObject("SELECT COUNT(*) FROM shop_requests WHERE user_id = ? AND status = 'PENDING'",
          Integer.class, user)).as("no request left pending for ever").isZero();

      Http.Response retry = http.post("/orders/async", form, key);
      for (int i = 0; i < 60 && retry.status() == 503; i++) {
        Thread.sleep(500);
        retry = http.post("/orders/async", form, key);
      }
      assertThat(retry.status()).isEqualTo(202);
      String requestId = retry.text("requestId");
      await("the retried request resolved", Duration.ofSeconds(60), () -> pending(store, List.of(requestId)) == 0);
      assertThat(store.jdbc().queryForObject("SELECT COUNT(*) FROM shop_orders WHERE user_id = ?", Integer.class, user))
          .isEqualTo(1);
    }

    @Test
    void everyMessageStillMakesExactlyOneOrder() throws Exception {
      Http http = new Http(URI.create("http://127.0.0.1:" + port), json);
      String run = UUID.randomUUID().toString().substring(0, 8);
      String product = "rmq-" + run;
      int n = 150;
      chaos.pauseInTransaction(Duration.ofMillis(100));
      chaos.copies(2);
      List<String> accepted = new ArrayList<>();
      int processedAtRestart;
      try {
        List<CompletableFuture<Http.Response>> sent = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          sent.add(http.sendAsync("POST", "/orders/async", Map.of("userId", "rmq-" + i + "-" + run, "productId", product,
              "quantity", 1), UUID.randomUUID().toString()));
        }
        sent.forEach(f -> {
          Http.Response r = f.join();
          assertThat(r.status()).isEqualTo(202);
          accepted.add(r.text("requestId"));
        });
        processedAtRestart = store.ordersOfProduct(product);
        rabbitmqctl("stop_app");
        rabbitmqctl("start_app");
        chaos.pauseInTransaction(Duration.ZERO);
        await("every request resolved after the broker's restart", Duration.ofSeconds(90),
            () -> pending(store, accepted) == 0);
      } finally {
        chaos.reset();
      }
      int orders = store.ordersOfProduct(product);
      System.out.println("RELIABILITY | order service, RabbitMQ restarted mid-stream | " + n
          + " async orders, each published twice; " + processedAtRestart + " made before the restart; orders " + orders
          + ", users with two orders " + store.buyersWithMoreThanOneOrder(product));
      assertThat(processedAtRestart).as("the restart came mid-stream").isLessThan(n);
      assertThat(orders).isEqualTo(n);
      assertThat(store.buyersWithMoreThanOneOrder(product)).isZero();
    }
  }

  @Nested
  @DirtiesContext
  @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
      properties = "spring.datasource.hikari.data-source-properties.ApplicationName=" + APPLICATION_NAME)
  class DatabaseConnectionsKilledMidTransaction {
    @LocalServerPort
    int port;
    @Autowired
    OrderStore store;
    @Autowired
    FlashSales sales;
    @Autowired
    Chaos chaos;
    @Autowired
    JsonMapper json;

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
      ExampleServers.postgres().forEach((k, v) -> registry.add(k, () -> v));
    }

    @Test
    void orderDedupRowAndStockChangeAreAllThereOrAllAbsent() throws Exception {
      Http http = new Http(URI.create("http://127.0.0.1:" + port), json);
      String run = UUID.randomUUID().toString().substring(0, 8);
      String product = "kill-" + run;
      int units = 40;
      assertThat(http.post("/flash-sales", Map.of("productId", product, "units", units), null).status()).isLessThan(300);
      chaos.pauseInTransaction(Duration.ofMillis(60));
      List<String> accepted = new ArrayList<>();
      int killed = 0;
      try {
        List<CompletableFuture<Http.Response>> sent = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
          sent.add(http.sendAsync("POST", "/flash-sales/" + product + "/orders", Map.of("userId", "k-" + i + "-" + run), null));
        }
        for (CompletableFuture<Http.Response> f : sent) {
          Http.Response r = f.join();
          if (r.status() == 202) {
            accepted.add(r.text("requestId"));
          }
        }
        Map<String, String> pg = ExampleServers.postgres();
        // From a connection of the test's own: the service's pool carries the application name.
        try (java.sql.Connection admin = java.sql.DriverManager.getConnection(pg.get("spring.datasource.url"),
            pg.get("spring.datasource.username"), pg.get("spring.datasource.password"));
            java.sql.PreparedStatement kill = admin.prepareStatement(
                // FILTER runs only on the rows WHERE kept; in one WHERE the planner may call it first.
                "SELECT COUNT(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = ?")) {
          kill.setString(1, APPLICATION_NAME);
          for (int round = 0; round < 3; round++) {
            Thread.sleep(150);
            try (java.sql.ResultSet rs = kill.executeQuery()) {
              rs.next();
              killed += rs.getInt(1);
            }
          }
        }
        chaos.pauseInTransaction(Duration.ZERO);
        await("every accepted purchase resolved", Duration.ofSeconds(60), () -> pending(store, accepted) == 0);
      } finally {
        chaos.reset();
      }
      long stock = sales.databaseStock(product).orElseThrow();
      int orders = store.ordersOfProduct(product);
      long created = accepted.stream().filter(id -> "CREATED".equals(store.jdbc().queryForObject(
          "SELECT status FROM shop_requests WHERE request_id = ?", String.class, id))).count();
      System.out.println("RELIABILITY | order service, PostgreSQL connections killed mid-transaction | flash sale of "
          + units + " units, 60 buyers, " + accepted.size() + " purchases accepted, " + killed + " connections killed;"
          + " orders " + orders + ", requests created " + created + ", stock left " + stock);
      assertThat(killed).as("connections killed").isPositive();
      assertThat(accepted).hasSize(units);
      assertThat(created).as("every accepted purchase became an order").isEqualTo(units);
      assertThat(orders).isEqualTo(units);
      assertThat(units - stock).as("stock taken equals orders").isEqualTo(orders);
      assertThat(store.buyersWithMoreThanOneOrder(product)).isZero();
    }
  }
}
