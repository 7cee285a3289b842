package dev.idempotency.examples.orders.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small JSON client of the service's HTTP API (the JDK's {@link HttpClient}), for the demo and the tests. */
public final class Http {
  /** A response: status, the headers that matter here, and the JSON body (an empty object if none). */
  public record Response(int status, JsonNode body, boolean replayed, String retryAfter, String contentType) {
    /**
     * A top-level field as text.
     *
     * @param field the field
     * @return its text, or null
     */
    public String text(String field) {
      JsonNode n = body.get(field);
      return n == null || n.isNull() ? null : n.asString();
    }
  }

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI base;
  private final JsonMapper json;

  /**
   * @param base the service's address, for example {@code http://127.0.0.1:8080}
   * @param json the mapper for bodies
   */
  public Http(URI base, JsonMapper json) {
    this.base = base;
    this.json = json;
  }

  /** @return the mapper */
  public JsonMapper json() {
    return json;
  }

  /**
   * Sends a request without waiting.
   *
   * @param method GET or POST
   * @param path the path
   * @param body a value written as JSON, or null for no body
   * @param idempotencyKey the {@code Idempotency-Key}, or null
   * @return the response, when it comes
   */
  public CompletableFuture<Response> sendAsync(String method, String path, Object body, String idempotencyKey) {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
    if (body != null) {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    if (idempotencyKey != null) {
      b.header("Idempotency-Key", idempotencyKey);
    }
    return client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray()).thenApply(r -> new Response(
        r.statusCode(), r.body().length == 0 ? json.createObjectNode() : json.readTree(r.body()),
        r.headers().firstValue("Idempotent-Replayed").map("true"::equals).orElse(false),
        r.headers().firstValue("Retry-After").orElse(null), r.headers().firstValue("Content-Type").orElse("")));
  }

  /**
   * Sends a request and waits for its response.
   *
   * @param method GET or POST
   * @param path the path
   * @param body a value written as JSON, or null for no body
   * @param idempotencyKey the {@code Idempotency-Key}, or null
   * @return the response
   * @throws IOException if the service cannot be reached
   */
  public Response send(String method, String path, Object body, String idempotencyKey) throws IOException {
    try {
      return sendAsync(method, path, body, idempotencyKey).join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    }
  }

  /**
   * {@code POST} with a JSON body.
   *
   * @param path the path
   * @param body a value written as JSON, or null
   * @param idempotencyKey the {@code Idempotency-Key}, or null
   * @return the response
   * @throws IOException if the service cannot be reached
   */
  public Response post(String path, Object body, String idempotencyKey) throws IOException {
    return send("POST", path, body, idempotencyKey);
  }

  /**
   * {@code GET}.
   *
   * @param path the path
   * @return the response
   * @throws IOException if the service cannot be reached
   */
  public Response get(String path) throws IOException {
    return send("GET", path, null, null);
  }
}
