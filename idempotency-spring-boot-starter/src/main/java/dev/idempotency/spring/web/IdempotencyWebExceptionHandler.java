package dev.idempotency.spring.web;

import dev.idempotency.IdempotencyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * Answers the library's exceptions thrown by any WebFlux handler (an {@code @Idempotent} service
 * called by a controller) as {@code application/problem+json}, as {@link IdempotencyExceptionResolver}
 * does for MVC: 409 and 503 with {@code Retry-After}, 422, 400, a detail a person can read. The
 * application's own {@code @ExceptionHandler}s run first (inside the dispatcher); this handler is
 * ordered before Spring Boot's error handler. Off with {@code idempotency.web.problem-details=false}.
 * Thread-safe.
 */
public final class IdempotencyWebExceptionHandler implements WebExceptionHandler, Ordered {
  private static final Logger LOG = LoggerFactory.getLogger(IdempotencyWebExceptionHandler.class);

  /** For the auto-configuration. */
  public IdempotencyWebExceptionHandler() {}

  @Override
  public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
    if (!(ex instanceof IdempotencyException e) || exchange.getResponse().isCommitted()) {
      return Mono.error(ex);
    }
    if (e.suggestedHttpStatus() >= 500) {
      LOG.warn("{} {} answered {}: {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(),
          e.suggestedHttpStatus(), e.toString());
    }
    return write(exchange, Problem.of(e, "This request"));
  }

  /** Before Spring Boot's {@code DefaultErrorWebExceptionHandler} (-1). */
  @Override
  public int getOrder() {
    return -2;
  }

  static Mono<Void> write(ServerWebExchange exchange, Problem problem) {
    ServerHttpResponse response = exchange.getResponse();
    byte[] bytes = problem.json(exchange.getRequest().getPath().value());
    response.setStatusCode(problem.status());
    response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    response.getHeaders().setContentLength(bytes.length);
    if (problem.retryAfter()) {
      response.getHeaders().set("Retry-After", "1");
    }
    return response.writeWith(Mono.just(response.bufferFactory().wrap(bytes)));
  }
}
