package com.example.shop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.spi.Backend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The README's promises for its Spring Boot quick start, through a real port: the route replays a
 * repeated Idempotency-Key, refuses the key with another body as problem+json, and the service's own
 * {@code @Idempotent} replays the order for a new key with the same submit token.
 */
abstract class QuickstartContract {
  private final HttpClient http = HttpClient.newHttpClient();

  @LocalServerPort
  int port;
  @Autowired
  CheckoutService checkout;
  @Autowired
  Backend backend;

  /** The backend the application should have chosen. */
  abstract String expectedBackend();

  HttpResponse<String> post(String key, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/orders"))
        .header("Content-Type", "application/json").header("Idempotency-Key", key)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theBackendIsTheOneTheReadmeSaysAutoPicks() {
    assertThat(backend.getClass().getSimpleName()).isEqualTo(expectedBackend());
  }

  @Test
  void aRepeatedKeyIsReplayedAndTheOrderIsPlacedOnce() throws Exception {
    String token = UUID.randomUUID().toString();
    String body = "{\"userId\":\"u1\",\"submitToken\":\"" + token + "\"}";
    int before = checkout.placed();
    HttpResponse<String> first = post("k-" + token, body);
    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(first.body()).contains("\"orderId\":\"o-" + token + "\"");
    HttpResponse<String> again = post("k-" + token, body);
    assertThat(again.statusCode()).isEqualTo(201);
    assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(checkout.placed() - before).isEqualTo(1);
  }

  @Test
  void theSameKeyWithAnotherBodyIs422ProblemJson() throws Exception {
    String token = UUID.randomUUID().toString();
    assertThat(post("k-" + token, "{\"userId\":\"u1\",\"submitToken\":\"" + token + "\"}").statusCode()).isEqualTo(201);
    HttpResponse<String> other = post("k-" + token, "{\"userId\":\"u1\",\"submitToken\":\"other\"}");
    assertThat(other.statusCode()).isEqualTo(422);
    assertThat(other.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
  }

  @Test
  void aNewKeyForTheSameSubmitTokenGetsTheSameOrderFromTheService() throws Exception {
    String token = UUID.randomUUID().toString();
    String body = "{\"userId\":\"u1\",\"submitToken\":\"" + token + "\"}";
    int before = checkout.placed();
    HttpResponse<String> first = post("a-" + token, body);
    HttpResponse<String> second = post("b-" + token, body);
    assertThat(second.statusCode()).isEqualTo(201);
    assertThat(second.body()).isEqualTo(first.body());
    assertThat(checkout.placed() - before).isEqualTo(1);
  }
}
