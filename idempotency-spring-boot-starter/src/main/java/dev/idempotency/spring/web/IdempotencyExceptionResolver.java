package dev.idempotency.spring.web;

import dev.idempotency.IdempotencyException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * Answers the library's exceptions thrown by any MVC handler (an {@code @Idempotent} service called
 * by a controller) as {@code application/problem+json}: 409 with {@code Retry-After} for a call in
 * progress, 422 for a key reused with another request, 503 with {@code Retry-After} for a store that
 * cannot be reached, 400 for invalid input, each with a detail a person can read; the store's
 * internals stay in the log.
 *
 * <p>It is ordered after Spring MVC's own resolvers, so an {@code @ExceptionHandler} of the
 * application's (in a controller or a {@code @ControllerAdvice}) for the exception or any of its
 * supertypes answers first. Off with {@code idempotency.web.problem-details=false}. Thread-safe.
 */
public final class IdempotencyExceptionResolver implements HandlerExceptionResolver, Ordered {
  private static final Logger LOG = LoggerFactory.getLogger(IdempotencyExceptionResolver.class);

  /** For the auto-configuration. */
  public IdempotencyExceptionResolver() {}

  @Override
  public ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response, Object handler,
      Exception ex) {
    if (!(ex instanceof IdempotencyException e) || response.isCommitted()) {
      return null;
    }
    if (e.suggestedHttpStatus() >= 500) {
      LOG.warn("{} {} answered {}: {}", request.getMethod(), request.getRequestURI(), e.suggestedHttpStatus(),
          e.toString());
    } else {
      LOG.debug("{} {} answered {}: {}", request.getMethod(), request.getRequestURI(), e.suggestedHttpStatus(),
          e.toString());
    }
    try {
      response.resetBuffer();
      Problems.write(request, response, e, "This request");
    } catch (IOException | IllegalStateException writing) {
      LOG.debug("could not write the problem of {}", e.toString(), writing);
      return null;
    }
    return new ModelAndView();
  }

  /** After the dispatcher's own composite resolver (order 0) and the application's resolvers. */
  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE - 10;
  }
}
