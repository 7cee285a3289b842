package dev.idempotency.examples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.examples.orders.demo.Http;
import dev.idempotency.examples.orders.order.OrderStore;
import dev.idempotency.testsupport.TcpRelay;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The database of record cut off while the service runs (PostgreSQL behind a relay this test
 * controls): an order answers 503 problem+json with {@code Retry-After} within a few seconds, says
 * nothing of the database's internals, readiness goes DOWN as fast, and once the database is back
 * the retry of that same order makes exactly one.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DatabaseDownTest {
  private static final Map<String, String> POSTGRES = ExampleServers.postgres();
  private static final TcpRelay RELAY = TcpRelay.to(URI.create(POSTGRES.get("spring.datasource.url").substring(5))
      .getPort());

  @LocalServerPort
  int port;
  @Autowired
  JsonMapper json;
  @Autowired
  OrderStore store;

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) {
    POSTGRES.forEach((k, v) -> registry.add(k, () -> v));
    registry.add("spring.datasource.url", () -> "jdbc:postgresql://127.0.0.1:" + RELAY.port() + "/test");
  }

  @AfterAll
  static void stopRelay() {
    RELAY.close();
  }

  @Test
  void anOrderWhileTheDatabaseIsUnreachableIs503WithinSecondsAndItsRetryMakesOneOrderOnceItIsBack()
      throws Exception {
    Http http = new Http(URI.create("http://127.0.0.1:" + port), json);
    String user = "dbdown-" + UUID.randomUUID().toString().substring(0, 8);
    String token = http.post("/tokens", Map.of("userId", user), null).text("token");
    Map<String, Object> form = Map.of("userId", user, "productId", "p1", "quantity", 1, "submitToken", token);
    String key = UUID.randomUUID().toString();
    assertThat(http.get("/actuator/health/readiness").status()).isEqualTo(200);

    RELAY.refuse();
    long started = System.nanoTime();
    Http.Response down = http.post("/orders", form, key);
    long answeredMillis = (System.nanoTime() - started) / 1_000_000;
    started = System.nanoTime();
    Http.Response readiness = http.get("/actuator/health/readiness");
    long readinessMillis = (System.nanoTime() - started) / 1_000_000;
    System.out.println("RELIABILITY | order service, PostgreSQL unreachable | POST /orders answered "
        + down.status() + " in " + answeredMillis + " ms; readiness " + readiness.status() + " in "
        + readinessMillis + " ms");

    assertThat(down.status()).isEqualTo(503);
    assertThat(down.contentType()).startsWith("application/problem+json");
    assertThat(down.retryAfter()).isNotBlank();
    assertThat(down.text("detail")).doesNotContainIgnoringCase("jdbc").doesNotContain("Exception")
        .doesNotContain("127.0.0.1").contains("same order again");
    assertThat(answeredMillis).as("answered within the pool's 2 s and a margin").isLessThan(4_000);
    assertThat(readiness.status()).isEqualTo(503);
    assertThat(readinessMillis).isLessThan(4_000);

    RELAY.restore();
    Http.Response retry = http.post("/orders", form, key);
    for (int i = 0; i < 20 && retry.status() == 503; i++) {
      Thread.sleep(250);
      retry = http.post("/orders", form, key);
    }
    assertThat(retry.status()).isEqualTo(201);
    assertThat(http.post("/orders", form, key).replayed()).isTrue();
    assertThat(store.jdbc().queryForObject("SELECT COUNT(*) FROM shop_orders WHERE user_id = ?", Integer.class, user))
        .isEqualTo(1);
  }
}
