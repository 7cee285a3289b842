package dev.idempotency.examples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.testkit.RedisProcess;
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

  @AfterAll
  static void stop() {
    REDIS.stop();
  }

  @Test
  void f_withRedisKilledTheDatabaseLayersAloneMakeOneOrderPerSubmission() throws Exception {
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
