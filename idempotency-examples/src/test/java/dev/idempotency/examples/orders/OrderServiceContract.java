package dev.idempotency.examples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.examples.orders.demo.Chaos;
import dev.idempotency.examples.orders.demo.Http;
import dev.idempotency.examples.orders.demo.Scenarios;
import dev.idempotency.examples.orders.order.OrderStore;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.json.JsonMapper;

/**
 * The order service through a real port (the JDK's HttpClient): the HTTP shapes outside clients and
 * scripts rely on, and the demo's scenarios with their exact figures. Each backend combination runs
 * it as a subclass.
 */
abstract class OrderServiceContract {
  @LocalServerPort
  int port;
  @Autowired
  JsonMapper json;
  @Autowired
  OrderStore store;
  @Autowired
  LayerStats stats;
  @Autowired
  Chaos chaos;
  @Autowired
  org.springframework.context.ApplicationContext context;
  @Autowired
  dev.idempotency.state.StateMachine<dev.idempotency.examples.orders.order.OrderStatus> lifecycle;

  Http http;
  final String run = UUID.randomUUID().toString().substring(0, 8);

  @BeforeEach
  void client() {
    http = new Http(URI.create("http://127.0.0.1:" + port), json);
  }

  private String token(String user) throws Exception {
    Http.Response r = http.post("/tokens", Map.of("userId", user), null);
    assertThat(r.status()).isEqualTo(201);
    return r.text("token");
  }

  private Map<String, Object> form(String user, String token) {
    return Map.of("userId", user, "productId", "p1", "quantity", 2, "submitToken", token);
  }

  @Test
  void aFirstSubmissionIs201WithTheOrderAndARepeatReplaysItIdentically() throws Exception {
    String user = "u1-" + run;
    String token = token(user);
    assertThat(token).as("a signed token of the API's token shape").matches("[A-Za-z0-9_-]{1,64}");
    String key = UUID.randomUUID().toString();
    Http.Response first = http.post("/orders", form(user, token), key);
    assertThat(first.status()).isEqualTo(201);
    assertThat(first.replayed()).isFalse();
    assertThat(first.text("orderId")).isNotBlank();
    assertThat(first.text("userId")).isEqualTo(user);
    assertThat(first.text("productId")).isEqualTo("p1");
    assertThat(first.body().get("quantity").asInt()).isEqualTo(2);
    assertThat(first.text("status")).isEqualTo("CREATED");
    Http.Response repeat = http.post("/orders", form(user, token), key);
    assertThat(repeat.status()).isEqualTo(201);
    assertThat(repeat.replayed()).isTrue();
    assertThat(repeat.body()).isEqualTo(first.body());
    Http.Response get = http.get("/orders/" + first.text("orderId"));
    assertThat(get.status()).isEqualTo(200);
    assertThat(get.body()).isEqualTo(first.body());
  }

  @Test
  void aMissingKeyIs400AndAnotherBodyWithTheSameKeyIs422AsProblemJson() throws Exception {
    String user = "u2-" + run;
    String token = token(user);
    Http.Response missing = http.post("/orders", form(user, token), null);
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.contentType()).startsWith("application/problem+json");
    String key = UUID.randomUUID().toString();
    assertThat(http.post("/orders", form(user, token), key).status()).isEqualTo(201);
    Http.Response other = http.post("/orders", Map.of("userId", user, "productId", "p1", "quantity", 3,
        "submitToken", token), key);
    assertThat(other.status()).isEqualTo(422);
    assertThat(other.contentType()).startsWith("application/problem+json");
  }

  @Test
  void aUsedTokenWithANewKeyIsAnsweredWithTheFormsOrder() throws Exception {
    String user = "u3-" + run;
    String token = token(user);
    Http.Response first = http.post("/orders", form(user, token), UUID.randomUUID().toString());
    assertThat(first.status()).isEqualTo(201);
    // The same form sent again under a new key (a lost key record, a client that made a new one):
    // the token layer refuses it, and the defence answers with the form's order instead.
    Http.Response again = http.post("/orders", form(user, token), UUID.randomUUID().toString());
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.text("orderId")).isEqualTo(first.text("orderId"));
    assertThat(store.jdbc().queryForObject("SELECT COUNT(*) FROM shop_orders WHERE user_id = ?", Integer.class, user))
        .isEqualTo(1);
    Http.Response unknown = http.post("/orders", form(user, "never-issued-" + run), UUID.randomUUID().toString());
    assertThat(unknown.status()).isEqualTo(409);
    assertThat(unknown.contentType()).startsWith("application/problem+json");
    assertThat(unknown.text("type")).endsWith("/token-not-valid");
    assertThat(unknown.text("layer")).isEqualTo("token");
  }

  /**
   * The token store no longer holds a form's token although no order was written: an attempt used
   * it and died before its transaction committed, or the store lost it (restarted empty). The retry
   * places the order (once), under the same key or a new one, instead of being told the token is used.
   */
  @Test
  void aFormWhoseTokenTheStoreNoLongerHoldsButThatHasNoOrderPlacesItsOrderOnce() throws Exception {
    String user = "u3c-" + run;
    String token = token(user);
    String nonce = token.substring(token.length() - 22 - dev.idempotency.token.OneTimeTokens.TOKEN_LENGTH,
        token.length() - 22);
    assertThat(context.getBean(dev.idempotency.token.OneTimeTokens.class)
        .consume(dev.idempotency.Scope.of("order-form", user), nonce)).as("the dead attempt used the token").isTrue();
    List<java.util.concurrent.CompletableFuture<Http.Response>> retries = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      retries.add(http.sendAsync("POST", "/orders", form(user, token), UUID.randomUUID().toString()));
    }
    List<Integer> statuses = retries.stream().map(f -> f.join().status()).toList();
    assertThat(statuses).as("each copy is the order, or told to retry while another copy holds the lock")
        .allMatch(s -> s == 201 || s == 200 || s == 409).contains(201);
    Http.Response later = http.post("/orders", form(user, token), UUID.randomUUID().toString());
    assertThat(later.status()).isEqualTo(200);
    assertThat(store.jdbc().queryForObject("SELECT COUNT(*) FROM shop_orders WHERE user_id = ?", Integer.class, user))
        .isEqualTo(1);
    Http.Response otherUser = http.post("/orders", form("u3d-" + run, token), UUID.randomUUID().toString());
    assertThat(otherUser.status()).as("a token is its user's only").isEqualTo(409);
    assertThat(otherUser.text("type")).endsWith("/token-not-valid");
  }

  @Test
  void badInputIs400() throws Exception {
    String user = "u3b-" + run;
    String token = token(user);
    Http.Response badUser = http.post("/orders", Map.of("userId", "no spaces; DROP TABLE", "productId", "p1",
        "quantity", 1, "submitToken", token), UUID.randomUUID().toString());
    assertThat(badUser.status()).isEqualTo(400);
    Http.Response badQuantity = http.post("/orders", Map.of("userId", user, "productId", "p1", "quantity", 0,
        "submitToken", token), UUID.randomUUID().toString());
    assertThat(badQuantity.status()).isEqualTo(400);
    assertThat(http.get("/orders/" + UUID.randomUUID()).status()).isEqualTo(404);
    assertThat(store.jdbc().queryForObject("SELECT COUNT(*) FROM shop_orders WHERE user_id = ?", Integer.class, user))
        .as("bad input writes nothing").isZero();
  }

  @Test
  void errorsTheContainerAnswersAndMissingResourcesAreProblemJsonToo() throws Exception {
    for (String line : List.of("GET /orders/a{b HTTP/1.1", "GET /orders/%zz HTTP/1.1")) {
      String raw = rawHttp(line + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
      assertThat(raw).as(line).startsWith("HTTP/1.1 400");
      assertThat(raw.toLowerCase(java.util.Locale.ROOT)).as(line).contains("content-type: application/problem+json")
          .contains("\"status\":400").doesNotContain("<html").doesNotContain("tomcat");
    }
    for (String path : List.of("/orders/" + UUID.randomUUID(), "/orders/requests/" + UUID.randomUUID(),
        "/flash-sales/never-" + run, "/no-such-page-" + run)) {
      Http.Response missing = http.get(path);
      assertThat(missing.status()).as(path).isEqualTo(404);
      assertThat(missing.contentType()).as(path).startsWith("application/problem+json");
    }
    Http.Response payMissing = http.post("/orders/" + UUID.randomUUID() + "/pay", null, null);
    assertThat(payMissing.status()).isEqualTo(404);
    assertThat(payMissing.contentType()).startsWith("application/problem+json");
  }

  /** One request written to the socket as is, for what no HTTP client would send; the whole answer. */
  private String rawHttp(String request) throws Exception {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
      s.setSoTimeout(5_000);
      s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  @Test
  void aFractionalQuantityAWrongMethodAndAWrongMediaTypeAreProblemJsonAndOrderNothing() throws Exception {
    String user = "u9-" + run;
    Http.Response fractional = http.post("/orders", Map.of("userId", user, "productId", "p1", "quantity", 1.5,
        "submitToken", token(user)), UUID.randomUUID().toString());
    assertThat(fractional.status()).isEqualTo(400);
    assertThat(fractional.contentType()).startsWith("application/problem+json");
    Http.Response put = http.send("PUT", "/orders", form(user, token(user)), UUID.randomUUID().toString());
    assertThat(put.status()).isEqualTo(405);
    assertThat(put.contentType()).startsWith("application/problem+json");
    java.net.http.HttpResponse<String> text = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/orders"))
            .header("Content-Type", "text/plain").header("Idempotency-Key", UUID.randomUUID().toString())
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("quantity=1")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(text.statusCode()).isEqualTo(415);
    assertThat(text.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    assertThat(store.jdbc().queryForObject("SELECT COUNT(*) FROM shop_orders WHERE user_id = ?", Integer.class, user))
        .isZero();
  }

  @Test
  void anOversizedBodyIs413ProblemJsonWhetherItsLengthIsDeclaredOrChunkedAndOrdersNothing() throws Exception {
    String user = "u10-" + run;
    String padded = "{\"userId\":\"" + user + "\",\"productId\":\"p1\",\"quantity\":1,\"submitToken\":\"" + token(user)
        + "\",\"pad\":\"" + "x".repeat(100_000) + "\"}";
    java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
    for (String path : List.of("/tokens", "/orders", "/flash-sales")) {
      for (boolean chunked : new boolean[] {false, true}) {
        byte[] bytes = padded.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.net.http.HttpRequest.BodyPublisher body = chunked
            ? java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(bytes))
            : java.net.http.HttpRequest.BodyPublishers.ofByteArray(bytes);
        java.net.http.HttpResponse<String> r = client.send(java.net.http.HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + path)).header("Content-Type", "application/json")
            .header("Idempotency-Key", UUID.randomUUID().toString()).POST(body).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + (chunked ? " chunked" : "")).isEqualTo(413);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).as(path).startsWith("application/problem+json");
        assertThat(r.body()).as(path).contains("content-too-large");
      }
    }
    assertThat(http.post("/orders", form(user, token(user)), UUID.randomUUID().toString()).status())
        .as("a form of the usual size").isEqualTo(201);
    assertThat(store.jdbc().queryForObject("SELECT COUNT(*) FROM shop_orders WHERE user_id = ?", Integer.class, user))
        .isEqualTo(1);
  }

  @Test
  void theLifecycleRepeatsAMoveAsASuccessAndRefusesAnIllegalOneNamingTheState() throws Exception {
    String user = "u4-" + run;
    String orderId = http.post("/orders", form(user, token(user)), UUID.randomUUID().toString()).text("orderId");
    Http.Response pay = http.post("/orders/" + orderId + "/pay", null, null);
    assertThat(pay.status()).isEqualTo(200);
    assertThat(pay.text("status")).isEqualTo("PAID");
    assertThat(http.post("/orders/" + orderId + "/pay", null, null).text("status")).isEqualTo("PAID");
    assertThat(store.payments(orderId)).isEqualTo(1);
    assertThat(http.post("/orders/" + orderId + "/ship", null, null).text("status")).isEqualTo("SHIPPED");
    Http.Response cancel = http.post("/orders/" + orderId + "/cancel", null, null);
    assertThat(cancel.status()).isEqualTo(409);
    assertThat(cancel.contentType()).startsWith("application/problem+json");
    assertThat(cancel.text("currentState")).isEqualTo("SHIPPED");
    assertThat(cancel.text("detail")).contains("SHIPPED");
    assertThat(http.post("/orders/" + UUID.randomUUID() + "/pay", null, null).status()).isEqualTo(404);
  }

  /**
   * A new form order writes nothing to the state machine (one store call fewer per order); its first
   * move creates its state from the database and moves it, and the moves after it are the machine's.
   */
  @Test
  void aNewOrdersStateIsCreatedByItsFirstMoveFromTheDatabase() throws Exception {
    String user = "u4b-" + run;
    String orderId = http.post("/orders", form(user, token(user)), UUID.randomUUID().toString()).text("orderId");
    assertThat(lifecycle.current(orderId)).as("no state written when the order is placed").isEmpty();
    assertThat(http.post("/orders/" + orderId + "/pay", null, null).text("status")).isEqualTo("PAID");
    assertThat(lifecycle.current(orderId)).hasValueSatisfying(t -> assertThat(t.current().name()).isEqualTo("PAID"));
    assertThat(http.post("/orders/" + orderId + "/pay", null, null).text("status")).isEqualTo("PAID");
    assertThat(store.payments(orderId)).isEqualTo(1);
    assertThat(http.post("/orders/" + orderId + "/cancel", null, null).text("status")).isEqualTo("CANCELLED");
    assertThat(http.post("/orders/" + orderId + "/ship", null, null).status()).isEqualTo(409);
  }

  @Test
  void anAsyncSubmissionIs202AndItsRequestReportsTheCreatedOrder() throws Exception {
    String user = "u5-" + run;
    String key = UUID.randomUUID().toString();
    Map<String, Object> body = Map.of("userId", user, "productId", "p9", "quantity", 1);
    Http.Response accepted = http.post("/orders/async", body, key);
    assertThat(accepted.status()).isEqualTo(202);
    String requestId = accepted.text("requestId");
    assertThat(http.post("/orders/async", body, key).text("requestId")).as("a retry of the POST").isEqualTo(requestId);
    Http.Response status = http.get("/orders/requests/" + requestId);
    for (int i = 0; i < 500 && "pending".equals(status.text("status")); i++) {
      Thread.sleep(20);
      status = http.get("/orders/requests/" + requestId);
    }
    assertThat(status.text("status")).isEqualTo("created");
    assertThat(status.body().get("order").get("userId").asString()).isEqualTo(user);
    assertThat(http.get("/orders/requests/" + UUID.randomUUID()).status()).isEqualTo(404);
  }

  @Test
  void aFlashSaleBuyersRetryGetsItsOwnAnswerAgainAndNotOnSaleIs404() throws Exception {
    String product = "fs-" + run;
    Http.Response started = http.post("/flash-sales", Map.of("productId", product, "units", 1), null);
    assertThat(started.status()).isEqualTo(201);
    Http.Response bought = http.post("/flash-sales/" + product + "/orders", Map.of("userId", "a-" + run), null);
    assertThat(bought.status()).isEqualTo(202);
    assertThat(bought.text("requestId")).isNotBlank();
    Http.Response again = http.post("/flash-sales/" + product + "/orders", Map.of("userId", "a-" + run), null);
    assertThat(again.status()).as("the buyer's retry: the same purchase, not 'already reserved'").isEqualTo(202);
    assertThat(again.text("requestId")).isEqualTo(bought.text("requestId"));
    Http.Response soldOut = http.post("/flash-sales/" + product + "/orders", Map.of("userId", "b-" + run), null);
    assertThat(soldOut.status()).isEqualTo(410);
    assertThat(soldOut.text("type")).endsWith("/sold-out");
    // More retries than the per-user limit (5/s) lets through: each is told sold out again, never 429.
    for (int i = 0; i < 8; i++) {
      Http.Response retry = http.post("/flash-sales/" + product + "/orders", Map.of("userId", "b-" + run), null);
      assertThat(retry.status()).as("retry %d of a sold-out buyer", i + 1).isEqualTo(410);
    }
    assertThat(http.post("/flash-sales/none-" + run + "/orders", Map.of("userId", "c-" + run), null).status())
        .isEqualTo(404);
    // The reserved unit is on its way to the database (queued): wait until the consumer wrote it.
    Http.Response request = http.get("/orders/requests/" + bought.text("requestId"));
    for (int i = 0; i < 500 && "pending".equals(request.text("status")); i++) {
      Thread.sleep(20);
      request = http.get("/orders/requests/" + bought.text("requestId"));
    }
    assertThat(request.text("status")).isEqualTo("created");
    Http.Response view = http.get("/flash-sales/" + product);
    for (int i = 0; i < 500 && view.body().get("cache").get("confirmed").asLong() == 0; i++) {
      Thread.sleep(20);
      view = http.get("/flash-sales/" + product);
    }
    assertThat(view.body().get("agree").asBoolean()).isTrue();
    assertThat(view.body().get("database").get("stock").asLong()).isZero();
    assertThat(view.body().get("cache").get("confirmed").asLong()).isEqualTo(1);
  }

  @Test
  void aUserOverTheRateLimitGets429WithRetryAfter() throws Exception {
    String user = "u6-" + run;
    List<Http.Response> rs = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      rs.add(http.post("/orders/async", Map.of("userId", user, "productId", "p1", "quantity", 1),
          UUID.randomUUID().toString()));
    }
    List<Http.Response> limited = rs.stream().filter(r -> r.status() == 429).toList();
    assertThat(limited).isNotEmpty();
    assertThat(limited.get(0).retryAfter()).isNotNull();
    assertThat(Long.parseLong(limited.get(0).retryAfter())).isPositive();
    assertThat(limited.get(0).text("layer")).isEqualTo("rate-limit:order-user");
  }

  @Test
  void statsAndThePageAreServed() throws Exception {
    Http.Response stats = http.get("/stats");
    assertThat(stats.status()).isEqualTo(200);
    assertThat(stats.body().has("layers")).isTrue();
    java.net.http.HttpResponse<String> page = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<form id=\"order-form\"").contains("Idempotency-Key");
  }

  Scenarios scenarios() {
    return Scenarios.of(http, context);
  }

  @Test
  void a_fiveHundredConcurrentSubmissionsOfOneOrderMakeOneOrder() throws Exception {
    ScenarioAssertions.allHold(scenarios().duplicateSubmissions(500));
  }

  @Test
  void b_fiveHundredBuyersForTenUnitsMakeTenOrdersAndStockZero() throws Exception {
    ScenarioAssertions.allHold(scenarios().flashSale(500, 10));
  }

  @Test
  void d_aHundredAsyncSubmissionsDeliveredThreeTimesWithAConsumerKilledMakeAHundredOrders() throws Exception {
    ScenarioAssertions.allHold(scenarios().asyncRedelivery(100, 3));
  }

  @Test
  void e_payingTwiceAndShippingTwiceRecordOnePaymentAndOneShipment() throws Exception {
    ScenarioAssertions.allHold(scenarios().payAndShipTwice());
  }
}
