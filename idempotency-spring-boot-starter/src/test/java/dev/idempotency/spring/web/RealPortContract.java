package dev.idempotency.spring.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The Idempotency-Key contract through a real port and the JDK HttpClient; each subclass picks a backend. */
abstract class RealPortContract {
  private static final String BODY = "{\"product\":\"lamp\",\"quantity\":1}";
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @LocalServerPort
  int port;

  @Autowired
  WebApp.OrderController controller;

  private HttpRequest order(String key, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/orders"))
        .timeout(Duration.ofSeconds(15)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      b.header("Idempotency-Key", key);
    }
    return b.build();
  }

  @Test
  void replayConflictAndReuseOverTheWire() throws Exception {
    String key = UUID.randomUUID().toString();
    HttpResponse<String> first = http.send(order(key, BODY), HttpResponse.BodyHandlers.ofString());
    assertThat(first.statusCode()).isEqualTo(201);
    HttpResponse<String> again = http.send(order(key, BODY), HttpResponse.BodyHandlers.ofString());
    assertThat(again.statusCode()).isEqualTo(201);
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
    assertThat(again.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));

    HttpResponse<String> reused = http.send(order(key, "{\"product\":\"lamp\",\"quantity\":9}"),
        HttpResponse.BodyHandlers.ofString());
    assertThat(reused.statusCode()).isEqualTo(422);
    assertThat(reused.headers().firstValue("Content-Type")).hasValueSatisfying(
        v -> assertThat(v).startsWith("application/problem+json"));

    HttpResponse<String> missing = http.send(order(null, BODY), HttpResponse.BodyHandlers.ofString());
    assertThat(missing.statusCode()).isEqualTo(400);
  }

  @Test
  void aRepeatWhileTheFirstRunsIs409AndTheRetryAfterwardsReplays() throws Exception {
    String key = UUID.randomUUID().toString();
    controller.entered = new CountDownLatch(1);
    controller.release = new CountDownLatch(1);
    try {
      CompletableFuture<HttpResponse<String>> first = http.sendAsync(order(key, BODY), HttpResponse.BodyHandlers.ofString());
      assertThat(controller.entered.await(10, TimeUnit.SECONDS)).isTrue();
      HttpResponse<String> during = http.send(order(key, BODY), HttpResponse.BodyHandlers.ofString());
      assertThat(during.statusCode()).isEqualTo(409);
      assertThat(during.headers().firstValue("Retry-After")).contains("1");
      controller.release.countDown();
      HttpResponse<String> done = first.get(15, TimeUnit.SECONDS);
      assertThat(done.statusCode()).isEqualTo(201);
      HttpResponse<String> after = http.send(order(key, BODY), HttpResponse.BodyHandlers.ofString());
      assertThat(after.body()).isEqualTo(done.body());
      assertThat(after.headers().firstValue("Idempotent-Replayed")).contains("true");
    } finally {
      controller.release.countDown();
      controller.entered = new CountDownLatch(0);
      controller.release = new CountDownLatch(0);
    }
  }

  @Test
  void aBodyOverTheLimitIs413AndRunsNothingWithOrWithoutAContentLength() throws Exception {
    int limit = 1_048_576;   // idempotency.web.max-body-bytes, its default
    String padded = BODY + " ".repeat(limit - BODY.length());
    int before = controller.created.get();

    HttpResponse<String> declared = http.send(order(UUID.randomUUID().toString(), padded + " "),
        HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> chunked = http.send(chunked(UUID.randomUUID().toString(), padded + " "),
        HttpResponse.BodyHandlers.ofString());

    assertThat(declared.statusCode()).isEqualTo(413);
    assertThat(chunked.statusCode()).isEqualTo(413);
    assertThat(controller.created.get()).isEqualTo(before);
  }

  @Test
  void aChunkedBodyAtTheLimitRunsOnceAndItsRetryReplays() throws Exception {
    String padded = BODY + " ".repeat(1_048_576 - BODY.length());
    String key = UUID.randomUUID().toString();

    HttpResponse<String> first = http.send(chunked(key, padded), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> again = http.send(chunked(key, padded), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> other = http.send(chunked(key, padded.trim() + " ".repeat(padded.length() - BODY.length() - 1)
        + "\n"), HttpResponse.BodyHandlers.ofString());

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
    assertThat(other.statusCode()).as("the whole body is the fingerprint, its last byte too").isEqualTo(422);
  }

  /** As {@link #order}, with a body of no declared length (sent chunked). */
  private HttpRequest chunked(String key, String body) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/orders"))
        .timeout(Duration.ofSeconds(15)).header("Content-Type", "application/json").header("Idempotency-Key", key)
        .POST(HttpRequest.BodyPublishers.ofInputStream(
            () -> new java.io.ByteArrayInputStream(body.getBytes(java.nio.charset.StandardCharsets.UTF_8))))
        .build();
  }
}
