package dev.idempotency.spring.webflux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.blockhound.BlockHound;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * The Idempotency-Key contract and the service errors of the MVC tests, on WebFlux through a real
 * port (Reactor Netty), with BlockHound installed: a store round trip on an event loop fails the
 * request, and so the test.
 */
abstract class ReactiveContract {
  static {
    BlockHound.install();
  }

  private static final String BODY = "{\"product\":\"book\",\"quantity\":2}";

  @LocalServerPort
  int port;
  @Autowired
  ReactiveApp.Routes routes;
  @Autowired
  ReactiveApp.Quotes quotes;

  WebTestClient client;

  @BeforeEach
  void client() {
    client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(20))
        .build();
  }

  private WebTestClient.ResponseSpec order(String key, String body) {
    WebTestClient.RequestBodySpec spec = client.post().uri("/orders").contentType(MediaType.APPLICATION_JSON);
    if (key != null) {
      spec.header("Idempotency-Key", key);
    }
    return spec.bodyValue(body).exchange();
  }

  @Test
  void blockHoundIsWatchingTheNonBlockingThreads() {
    assertThatThrownBy(() -> Mono.fromCallable(() -> {
      Thread.sleep(1);
      return 1;
    }).subscribeOn(Schedulers.parallel()).block(Duration.ofSeconds(5))).hasMessageContaining("Blocking call");
  }

  @Test
  void theFirstRequestIsStoredAndARepeatReplaysItWithTheReplayedHeader() {
    String key = UUID.randomUUID().toString();
    int before = routes.created();
    EntityExchangeResult<byte[]> first = order(key, BODY).expectStatus().isCreated()
        .expectHeader().doesNotExist("Idempotent-Replayed").expectBody().returnResult();
    order(key, BODY).expectStatus().isCreated()
        .expectHeader().valueEquals("Idempotent-Replayed", "true")
        .expectHeader().valueEquals("Location", first.getResponseHeaders().getFirst("Location"))
        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
        .expectBody().consumeWith(r -> assertThat(r.getResponseBody()).isEqualTo(first.getResponseBody()));
    assertThat(routes.created() - before).isEqualTo(1);
  }

  @Test
  void twoKeyHeadersAre400AndNothingRuns() {
    String key = UUID.randomUUID().toString();
    client.post().uri("/orders").contentType(MediaType.APPLICATION_JSON)
        .header("Idempotency-Key", key, UUID.randomUUID().toString()).bodyValue(BODY).exchange()
        .expectStatus().isBadRequest()
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.detail").isEqualTo("Send one Idempotency-Key header; this request has 2.");
    order(key, BODY).expectStatus().isCreated().expectHeader().doesNotExist("Idempotent-Replayed");
  }

  @Test
  void aMissingKeyIs400AndAnotherBodyWithTheSameKeyIs422AsProblemJson() {
    order(null, BODY).expectStatus().isBadRequest()
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.status").isEqualTo(400).jsonPath("$.instance").isEqualTo("/orders");
    String key = UUID.randomUUID().toString();
    order(key, BODY).expectStatus().isCreated();
    order(key, "{\"product\":\"pen\",\"quantity\":1}").expectStatus().isEqualTo(422)
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
  }

  @Test
  void aRepeatWhileTheFirstRunsIs409WithRetryAfterAndTheFirstCompletes() throws Exception {
    String key = UUID.randomUUID().toString();
    Sinks.One<Boolean> entered = Sinks.one();
    Sinks.One<Boolean> release = Sinks.one();
    routes.hold(entered, release);
    java.util.concurrent.CompletableFuture<org.springframework.http.ResponseEntity<Void>> first =
        org.springframework.web.reactive.function.client.WebClient.create("http://127.0.0.1:" + port).post()
            .uri("/orders").contentType(MediaType.APPLICATION_JSON).header("Idempotency-Key", key).bodyValue(BODY)
            .retrieve().toBodilessEntity().toFuture();
    try {
      assertThat(entered.asMono().block(Duration.ofSeconds(10))).isTrue();
      order(key, BODY).expectStatus().isEqualTo(409).expectHeader().valueEquals("Retry-After", "1")
          .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    } finally {
      routes.hold(null, null);
      release.tryEmitValue(true);
    }
    assertThat(first.get(10, java.util.concurrent.TimeUnit.SECONDS).getStatusCode().value()).isEqualTo(201);
    order(key, BODY).expectStatus().isCreated().expectHeader().valueEquals("Idempotent-Replayed", "true");
  }

  @Test
  void aServerErrorIsNotStoredSoTheRetryRuns() {
    String key = UUID.randomUUID().toString();
    String id = UUID.randomUUID().toString();
    client.post().uri("/flaky/" + id).header("Idempotency-Key", key).exchange().expectStatus().isEqualTo(503);
    client.post().uri("/flaky/" + id).header("Idempotency-Key", key).exchange().expectStatus().isOk()
        .expectBody(String.class).value(b -> assertThat(b).startsWith("done " + id));
  }

  @Test
  void aServiceMonoIsReplayedAndItsKeyReusedIs422ProblemJson() {
    String id = UUID.randomUUID().toString();
    int before = quotes.runs();
    client.post().uri("/quotes/" + id + "?amount=10").exchange().expectStatus().isOk()
        .expectBody().jsonPath("$.amount").isEqualTo(10);
    client.post().uri("/quotes/" + id + "?amount=10").exchange().expectStatus().isOk()
        .expectBody().jsonPath("$.run").isEqualTo(before + 1);
    client.post().uri("/quotes/" + id + "?amount=99").exchange().expectStatus().isEqualTo(422)
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.detail").isEqualTo("This request was used with a different request.");
    assertThat(quotes.runs() - before).isEqualTo(1);
  }
}
