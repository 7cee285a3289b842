package dev.idempotency.spring.web;

import dev.idempotency.CallResult;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyException;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.InvalidInputException;
import dev.idempotency.StoreUnavailableException;
import java.security.Principal;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The {@code Idempotency-Key} header on WebFlux routes annotated with {@link IdempotentRequest}, with
 * the same semantics as the servlet {@link IdempotencyKeyFilter}: the request body is read once (for
 * the fingerprint, and handed on unchanged), the route runs inside the engine's claim, its response
 * is captured, stored and only then sent; a repeat gets the stored response with the replayed
 * header; 5xx, 408, 409, 425 and 429 are not stored (the key is released, a retry runs).
 *
 * <p>No store round trip runs on the event loop: the claim runs on {@link Schedulers#boundedElastic()}
 * and the outcome is stored on a small pool of the starter's ({@code idempotency-web-settle}), so
 * that requests waiting for a first one ({@code in-progress=await}) cannot take every thread its
 * completion needs. Thread-safe.
 */
public final class IdempotencyKeyWebFilter implements WebFilter, Ordered {
  private static final Logger LOG = LoggerFactory.getLogger(IdempotencyKeyWebFilter.class);

  /** Where outcomes are stored, off the event loops and apart from the claims' threads. */
  private static final class Settling {
    static final Scheduler SCHEDULER = Schedulers.newBoundedElastic(
        Math.max(4, 2 * Runtime.getRuntime().availableProcessors()), 100_000, "idempotency-web-settle", 60, true);
  }

  private final IdempotencyEngine engine;
  private final IdempotentReactiveRoutes routes;
  private final String header;
  private final String replayedHeader;
  private final List<String> storedHeaders;
  private final int maxBodyBytes;
  private final boolean proceedWhenStoreDown;

  /**
   * A filter.
   *
   * @param engine the engine
   * @param routes the opted-in routes
   * @param header the request header with the key
   * @param replayedHeader the response header set on a replay
   * @param storedHeaders the response headers stored besides {@code Content-Type}
   * @param maxBodyBytes the largest request body read, and the largest response stored
   * @param proceedWhenStoreDown when the store cannot be reached before the route ran: false answers
   *     503 (nothing runs); true runs the route without this layer's guarantee (logged)
   */
  public IdempotencyKeyWebFilter(IdempotencyEngine engine, IdempotentReactiveRoutes routes, String header,
      String replayedHeader, List<String> storedHeaders, int maxBodyBytes, boolean proceedWhenStoreDown) {
    this.engine = engine;
    this.routes = routes;
    this.header = header;
    this.replayedHeader = replayedHeader;
    this.storedHeaders = List.copyOf(storedHeaders);
    this.maxBodyBytes = maxBodyBytes;
    this.proceedWhenStoreDown = proceedWhenStoreDown;
  }

  /** After Spring Security's web filters (order -100), so the principal is known. */
  @Override
  public int getOrder() {
    return IdempotencyWebAutoConfiguration.FILTER_ORDER;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    return routes.find(exchange).flatMap(found -> found.isPresent()
        ? handle(found.get(), exchange, chain) : chain.filter(exchange));
  }

  private Mono<Void> handle(RouteSpec route, ServerWebExchange exchange, WebFilterChain chain) {
    java.util.List<String> values = exchange.getRequest().getHeaders().get(header);
    if (values != null && values.size() > 1) {
      return write(exchange, new Problem(HttpStatus.BAD_REQUEST,
          "Send one " + header + " header; this request has " + values.size() + ".", false));
    }
    String value = values == null || values.isEmpty() ? null : values.get(0);
    if (value == null) {
      return route.required()
          ? write(exchange, new Problem(HttpStatus.BAD_REQUEST, "This request needs an " + header + " header.", false))
          : chain.filter(exchange);
    }
    return body(exchange.getRequest())
        .flatMap(body -> exchange.getPrincipal().map(Principal::getName).map(Optional::of)
            .defaultIfEmpty(Optional.empty())
            .flatMap(principal -> run(route, exchange, chain, value, principal.orElse(null), body)))
        .onErrorResume(DataBufferLimitException.class, e -> write(exchange, new Problem(HttpStatus.CONTENT_TOO_LARGE,
            "The request body is larger than " + maxBodyBytes + " bytes.", false)));
  }

  /** The whole body (empty for none); fails with {@link DataBufferLimitException} past the limit. */
  private Mono<byte[]> body(ServerHttpRequest request) {
    return DataBufferUtils.join(request.getBody(), maxBodyBytes).map(buffer -> {
      try {
        byte[] bytes = new byte[buffer.readableByteCount()];
        buffer.read(bytes);
        return bytes;
      } finally {
        DataBufferUtils.release(buffer);
      }
    }).defaultIfEmpty(new byte[0]);
  }

  private Mono<Void> run(RouteSpec route, ServerWebExchange exchange, WebFilterChain chain, String value,
      String principal, byte[] body) {
    IdempotencyKey key;
    try {
      key = new IdempotencyKey(route.scope(principal), value);
    } catch (InvalidInputException e) {
      return write(exchange, new Problem(HttpStatus.BAD_REQUEST, "The " + header + " header is not a valid key: "
          + e.getMessage(), false));
    }
    ServerHttpRequest request = exchange.getRequest();
    Capture capture = new Capture(exchange.getResponse());
    ServerWebExchange replayable = exchange.mutate().request(new BodyRequest(request, body)).response(capture).build();
    Mono<CallResult<StoredResponse>> claimed = Mono.defer(() -> Mono.fromFuture(engine.executeAsync(key,
            RouteSpec.fingerprint(request.getMethod().name(), request.getURI().getRawPath(),
                request.getURI().getRawQuery(), body),
            StoredResponse.CODEC, route.options(), claim -> {
              capture.ran = true;
              return chain.filter(replayable)
                  // A response that must not be stored completes empty (null): the engine
                  // releases the claim and this request still gets the route's response.
                  .then(Mono.fromCallable(() -> stored(capture)))
                  .publishOn(Settling.SCHEDULER)
                  .toFuture();
            }, Objects::nonNull), true))
        .subscribeOn(Schedulers.boundedElastic());
    return claimed
        .flatMap(result -> result.replayed() ? replay(exchange, result.value()) : capture.send())
        .onErrorResume(e -> {
          Throwable failure = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
          if (failure instanceof IdempotencyException ie) {
            if (capture.ran) {
              // The route ran (its effects happened) but its response could not be stored: the client
              // gets that response, never an error inviting a retry that would run it again.
              return capture.send();
            }
            if (proceedWhenStoreDown && ie instanceof StoreUnavailableException) {
              LOG.warn("{} not checked, the store is unavailable; the route runs without it: {}", header, ie.getMessage());
              return chain.filter(exchange.mutate().request(new BodyRequest(request, body)).build());
            }
            return write(exchange, Problem.of(ie, "This " + header));
          }
          return Mono.error(failure);
        });
  }

  /** The response as stored, or null if it must not be (a retry should run again). */
  private StoredResponse stored(Capture capture) {
    HttpStatusCode code = capture.getStatusCode();
    HttpHeaders h = capture.getHeaders();
    MediaType contentType = h.getContentType();
    return StoredResponse.of(code == null ? 200 : code.value(), contentType == null ? null : contentType.toString(),
        name -> h.getOrEmpty(name), storedHeaders, capture.body(), maxBodyBytes);
  }

  private Mono<Void> replay(ServerWebExchange exchange, StoredResponse stored) {
    ServerHttpResponse response = exchange.getResponse();
    response.setStatusCode(HttpStatusCode.valueOf(stored.status()));
    List<String> h = stored.headers();
    for (int i = 0; i + 1 < h.size(); i += 2) {
      if (h.get(i).equalsIgnoreCase("Content-Type")) {
        response.getHeaders().set(HttpHeaders.CONTENT_TYPE, h.get(i + 1));
      } else {
        response.getHeaders().add(h.get(i), h.get(i + 1));
      }
    }
    response.getHeaders().set(replayedHeader, "true");
    response.getHeaders().setContentLength(stored.body().length);
    return response.writeWith(Mono.just(response.bufferFactory().wrap(stored.body())));
  }

  private static Mono<Void> write(ServerWebExchange exchange, Problem problem) {
    return IdempotencyWebExceptionHandler.write(exchange, problem);
  }

  /** The request with its body read once and handed on from memory. */
  private static final class BodyRequest extends ServerHttpRequestDecorator {
    private final byte[] body;

    BodyRequest(ServerHttpRequest delegate, byte[] body) {
      super(delegate);
      this.body = body;
    }

    @Override
    public Flux<DataBuffer> getBody() {
      return Flux.defer(() -> Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(body)));
    }
  }

  /**
   * The response as the route writes it, held in memory: status and headers go to the real response
   * (not yet committed), the body is kept until the outcome is stored, then sent.
   */
  private static final class Capture extends ServerHttpResponseDecorator {
    private volatile byte[] body = new byte[0];
    private volatile boolean ran;

    Capture(ServerHttpResponse delegate) {
      super(delegate);
    }

    byte[] body() {
      return body;
    }

    @Override
    public Mono<Void> writeWith(Publisher<? extends DataBuffer> publisher) {
      return DataBufferUtils.join(Flux.from(publisher)).doOnNext(buffer -> {
        try {
          byte[] bytes = new byte[buffer.readableByteCount()];
          buffer.read(bytes);
          body = bytes;
        } finally {
          DataBufferUtils.release(buffer);
        }
      }).then();
    }

    @Override
    public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> publisher) {
      return writeWith(Flux.from(publisher).flatMapSequential(p -> p));
    }

    @Override
    public Mono<Void> setComplete() {
      return Mono.empty();
    }

    /** Sends what the route wrote. */
    Mono<Void> send() {
      ServerHttpResponse response = getDelegate();
      byte[] bytes = body;
      response.getHeaders().setContentLength(bytes.length);
      return response.writeWith(Mono.just(response.bufferFactory().wrap(bytes)));
    }
  }
}
