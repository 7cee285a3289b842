package dev.idempotency.examples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.examples.orders.demo.Http;
import dev.idempotency.examples.orders.order.OrderStore;
import dev.idempotency.testsupport.RedisProcess;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * Scenario (f): the service on its own Redis (started by this test on a free loopback port) and
 * PostgreSQL; Redis is killed, and with the cache layers on {@code skip} (and the key filter on
 * {@code proceed}) the database layers alone still make exactly one order per submission, each
 * submission sent 5 times at once.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"idempotency.redis.timeout=300ms", "idempotency.redis.connect-timeout=300ms",
        "orders.cache-layers=skip", "idempotency.web.store-failure=proceed"})
class RedisDownTest {
  private static final RedisProcess REDIS = RedisProcess.start();

  @LocalServerPort
  int port;
  @Autowired
  OrderStore store;
  @Autowired
  JsonMapper json;

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) {
    registry.add("idempotency.backend", () -> "redis");
    registry.add("idempotency.redis.url", REDIS::uri);
    ExampleServers.postgres().forEach((k, v) -> registry.add(k, () -> v));
  }

  /**
   * Redis killed in the middle of a storm: submissions already claimed in Redis, others not yet;
   * still exactly one order per submission, and every answer is the order (201 or 200) or a
   * typed "retry later" (409 while another copy holds the submission).
   */
  @Test
  void redisKilledMidStormStillMakesExactlyOneOrderPerSubmission() throws Exception {
    if (!REDIS.running()) {
      REDIS.launch();
    }
    Http http = new Http(URI.create("http://127.0.0.1:" + port), json);
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<String[]> submissions = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String user = "mid-" + i + "-" + run;
      submissions.add(new String[] {user, http.post("/tokens", Map.of("userId", user), null).text("token")});
    }
    List<CompletableFuture<Http.Response>> sent = new ArrayList<>();
    int i = 0;
    for (String[] s : submissions) {
      if (i++ == 15) {
        REDIS.kill();
      }
      String key = UUID.randomUUID().toString();
      for (int copy = 0; copy < 5; copy++) {
        sent.add(http.sendAsync("POST", "/orders", Map.of("userId", s[0], "productId", "p1", "quantity", 1,
            "submitToken", s[1]), key));
      }
    }
    List<Integer> statuses = sent.stream().map(f -> f.join().status()).toList();
    int orders = 0;
    for (String[] s : submissions) {
      int n = store.jdbc().queryForObject("SELECT COUNT(*) FROM shop_orders WHERE user_id = ?", Integer.class, s[0]);
      assertThat(n).as("orders of %s with Redis killed mid-storm (statuses %s)", s[0], statuses).isEqualTo(1);
      orders += n;
    }
    System.out.println("RELIABILITY | order service, Redis killed mid-storm | 40 submissions x 5 copies, Redis killed"
        + " after 15; orders " + orders + ", statuses " + new java.util.TreeMap<>(statuses.stream()
        .collect(java.util.stream.Collectors.groupingBy(st -> st, java.util.stream.Collectors.counting()))));
    assertThat(statuses).allMatch(st -> st == 201 || st == 200 || st == 409);
  }

  /**
   * A form loaded while Redis is down: its token cannot come from the token store, so the service
   * issues a signed one, and the order goes through on the database layers; its copies and a retry
   * under a new key after Redis is back are answered with the same order.
   */
  @Test
  void aFormLoadedWhileRedisIsDownGetsATokenAndPlacesExactlyOneOrder() throws Exception {
    if (!REDIS.running()) {
      REDIS.launch();
    }
    Http http = new Http(URI.create("http://127.0.0.1:" + port), json);
    String run = UUID.randomUUID().toString().substring(0, 8);
    REDIS.kill();
    List<String[]> forms = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String user = "outage-" + i + "-" + run;
      Http.Response token = http.post("/tokens", Map.of("userId", user), null);
      assertThat(token.status()).as("a token while Redis is down").isEqualTo(201);
      forms.add(new String[] {user, token.text("token")});
    }
    List<CompletableFuture<Http.Response>> sent = new ArrayList<>();
    for (String[] f : forms) {
      String key = UUID.randomUUID().toString();
      for (int copy = 0; copy < 5; copy++) {
        sent.add(http.sendAsync("POST", "/orders", Map.of("userId", f[0], "productId", "p1", "quantity", 1,
            "submitToken", f[1]), key));
      }
    }
    List<Integer> statuses = sent.stream().map(f -> f.join().status()).toList();
    assertThat(statuses).allMatch(st -> st == 201 || st == 200);
    REDIS.launch();
    for (String[] f : forms) {
      assertThat(store.jdbc().queryForObject("SELECT COUNT(*) FROM shop_orders WHERE user_id = ?", Integer.class, f[0]))
          .as("orders of %s (statuses %s)", f[0], statuses).isEqualTo(1);
    }
    String[] first = forms.get(0);
    Http.Response later = http.post("/orders", Map.of("userId", first[0], "productId", "p1", "quantity", 1,
        "submitToken", first[1]), UUID.randomUUID().toString());
    assertThat(later.status()).as("the same form after Redis is back, under a new key").isEqualTo(200);
    Http.Response forged = http.post("/orders", Map.of("userId", first[0], "productId", "p1", "quantity", 1,
        "submitToken", first[1].substring(0, first[1].length() - 2) + "xx"), UUID.randomUUID().toString());
    assertThat(forged.status()).as("a signed token that does not verify").isEqualTo(409);
    assertThat(store.jdbc().queryForObject("SELECT COUNT(*) FROM shop_orders WHERE user_id = ?", Integer.class,
        first[0])).isEqualTo(1);
  }

  @AfterAll
  static void stop() {
    REDIS.stop();
  }

  @Test
  void f_withRedisKilledTheDatabaseLayersAloneMakeOneOrderPerSubmission() throws Exception {
    if (!REDIS.running()) {
      REDIS.launch();
    }
    Http http = new Http(URI.create("http://127.0.0.1:" + port), json);
    String run = UUID.randomUUID().toString().substring(0, 8);
    // Tokens are issued while Redis is up, as the page fetched them before the outage.
    List<String[]> submissions = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String user = "down-" + i + "-" + run;
      submissions.add(new String[] {user, http.post("/tokens", Map.of("userId", user), null).text("token")});
    }
    REDIS.kill();
    List<CompletableFuture<Http.Response>> sent = new ArrayList<>();
    for (String[] s : submissions) {
      String key = UUID.randomUUID().toString();
      for (int copy = 0; copy < 5; copy++) {
        sent.add(http.sendAsync("POST", "/orders", Map.of("userId", s[0], "productId", "p1", "quantity", 1,
            "submitToken", s[1]), key));
      }
    }
    List<Integer> statuses = sent.stream().map(f -> f.join().status()).toList();
    for (String[] s : submissions) {
      assertThat(store.jdbc().queryForObject("SELECT COUNT(*) FROM shop_orders WHERE user_id = ?", Integer.class, s[0]))
          .as("orders of %s with Redis down (statuses %s)", s[0], statuses).isEqualTo(1);
    }
    assertThat(statuses).as("every copy gets the order: 201 for the first, 200 (found) for the rest")
        .allMatch(st -> st == 201 || st == 200);
  }
}
