package dev.idempotency.examples.orders.web;

import dev.idempotency.IdempotencyException;
import dev.idempotency.defence.DefenceOutcome;
import dev.idempotency.examples.orders.LayerStoppedException;
import dev.idempotency.examples.orders.async.QueueUnavailableException;
import dev.idempotency.examples.orders.order.FencedWriteException;
import dev.idempotency.examples.orders.order.OrderService;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Every refusal as {@code application/problem+json} (RFC 9457) with a {@code type} per cause: a layer's
 * stop by its reason, an illegal move naming the current state, bad input 400, the library's own
 * exceptions by {@link IdempotencyException#suggestedHttpStatus()}.
 */
@RestControllerAdvice
class ProblemAdvice {
  static final String TYPES = "https://idempotency.dev/problems/";
  private static final Logger LOG = LoggerFactory.getLogger(ProblemAdvice.class);
  private static final String SEND_AGAIN = " Send the same order again in a moment: it is placed at most once.";

  @ExceptionHandler(LayerStoppedException.class)
  ResponseEntity<ProblemDetail> stopped(LayerStoppedException e) {
    DefenceOutcome.Stopped<?> s = e.stopped();
    HttpStatus status = switch (s.reason()) {
      case RATE_LIMITED -> HttpStatus.TOO_MANY_REQUESTS;
      case SOLD_OUT -> HttpStatus.GONE;
      case NOT_STOCKED -> HttpStatus.NOT_FOUND;
      case TOKEN_NOT_VALID -> HttpStatus.CONFLICT;
      case KEY_REUSED -> HttpStatus.UNPROCESSABLE_CONTENT;
      default -> HttpStatus.CONFLICT;   // ALREADY_RESERVED, LOCKED, IN_PROGRESS, DUPLICATE, STATE_REJECTED
    };
    String slug = s.reason().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    ProblemDetail p = problem(status, slug, s.detail());
    p.setProperty("layer", s.layer());
    ResponseEntity.BodyBuilder b = ResponseEntity.status(status);
    if (s.retryAfterTime().isPresent()) {
      b.header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, (s.retryAfter().toMillis() + 999) / 1000)));
    } else if (s.reason() == DefenceOutcome.Reason.LOCKED || s.reason() == DefenceOutcome.Reason.IN_PROGRESS) {
      b.header(HttpHeaders.RETRY_AFTER, "1");
    }
    return b.body(p);
  }

  @ExceptionHandler(OrderService.IllegalTransitionException.class)
  ResponseEntity<ProblemDetail> illegal(OrderService.IllegalTransitionException e) {
    ProblemDetail p = problem(HttpStatus.CONFLICT, "illegal-transition", e.getMessage());
    p.setProperty("currentState", e.current() == null ? null : e.current().name());
    return ResponseEntity.status(HttpStatus.CONFLICT).body(p);
  }

  @ExceptionHandler(FencedWriteException.class)
  ResponseEntity<ProblemDetail> fenced(FencedWriteException e) {
    return ResponseEntity.status(HttpStatus.CONFLICT).header(HttpHeaders.RETRY_AFTER, "1")
        .body(problem(HttpStatus.CONFLICT, "fenced", e.getMessage()));
  }

  @ExceptionHandler(Requests.BadRequestException.class)
  ResponseEntity<ProblemDetail> bad(Requests.BadRequestException e) {
    return ResponseEntity.badRequest().body(problem(HttpStatus.BAD_REQUEST, "bad-request", e.getMessage()));
  }

  @ExceptionHandler(Requests.NotFoundException.class)
  ResponseEntity<ProblemDetail> notFound(Requests.NotFoundException e) {
    return ResponseEntity.status(HttpStatus.NOT_FOUND).body(problem(HttpStatus.NOT_FOUND, "not-found", e.getMessage()));
  }

  @ExceptionHandler(HttpMessageNotReadableException.class)
  ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e) {
    if (org.springframework.core.NestedExceptionUtils.getMostSpecificCause(e) instanceof BodyLimit.TooLargeException) {
      return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).header(HttpHeaders.CONNECTION, "close")
          .body(problem(HttpStatus.CONTENT_TOO_LARGE, "content-too-large", BodyLimit.DETAIL));
    }
    return ResponseEntity.badRequest().body(problem(HttpStatus.BAD_REQUEST, "bad-request", "the body is not valid JSON"
        + " of the expected shape"));
  }

  /** What Spring MVC refuses before a route runs (a wrong method, media type or path), also as problem+json. */
  @ExceptionHandler({org.springframework.web.HttpRequestMethodNotSupportedException.class,
      org.springframework.web.HttpMediaTypeNotSupportedException.class,
      org.springframework.web.HttpMediaTypeNotAcceptableException.class,
      org.springframework.web.servlet.resource.NoResourceFoundException.class,
      org.springframework.web.bind.MissingServletRequestParameterException.class,
      org.springframework.web.method.annotation.MethodArgumentTypeMismatchException.class})
  ResponseEntity<ProblemDetail> refusedByMvc(Exception e) {
    if (e instanceof org.springframework.web.ErrorResponse r) {
      HttpStatus status = HttpStatus.valueOf(r.getStatusCode().value());
      ProblemDetail p = problem(status, status.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
          r.getBody().getDetail());
      return ResponseEntity.status(status).headers(r.getHeaders()).body(p);
    }
    return ResponseEntity.badRequest().body(problem(HttpStatus.BAD_REQUEST, "bad-request", "the request is not valid"));
  }

  @ExceptionHandler(IdempotencyException.class)
  ResponseEntity<ProblemDetail> library(IdempotencyException e) {
    HttpStatus status = HttpStatus.valueOf(e.suggestedHttpStatus());
    String slug = e.getClass().getSimpleName().replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1-$2")
        .toLowerCase(java.util.Locale.ROOT);
    if (status.is5xxServerError()) {
      // The store's name, address and driver error are for the log, not for the person at the page.
      LOG.warn("{} answered {}: {}", slug, status.value(), e.toString());
      ResponseEntity.BodyBuilder b = ResponseEntity.status(status);
      if (status == HttpStatus.SERVICE_UNAVAILABLE) {
        b.header(HttpHeaders.RETRY_AFTER, "2");
      }
      return b.body(problem(status, slug, "A service the shop depends on is not answering right now." + SEND_AGAIN));
    }
    return ResponseEntity.status(status).body(problem(status, slug, e.getMessage()));
  }

  /** The queue did not take an async request or a flash-sale purchase; the request was settled as failed. */
  @ExceptionHandler(QueueUnavailableException.class)
  ResponseEntity<ProblemDetail> queueDown(QueueUnavailableException e) {
    LOG.warn("the queue is unavailable: {}", e.getCause() == null ? e.toString() : e.getCause().toString());
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "2")
        .body(problem(HttpStatus.SERVICE_UNAVAILABLE, "queue-unavailable",
            "Orders cannot be queued right now; nothing was ordered." + SEND_AGAIN));
  }

  /**
   * The database of record unreachable: no connection within the pool's 2 s, or one lost mid-way (a
   * commit or rollback on a connection the server killed, whose transaction the database rolled
   * back; the retry finds the order if the commit did land).
   */
  @ExceptionHandler({org.springframework.dao.DataAccessResourceFailureException.class,
      org.springframework.dao.TransientDataAccessException.class,
      org.springframework.transaction.CannotCreateTransactionException.class,
      org.springframework.transaction.TransactionSystemException.class})
  ResponseEntity<ProblemDetail> databaseDown(Exception e) {
    LOG.warn("the database is unavailable: {}", e.toString());
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "2")
        .body(problem(HttpStatus.SERVICE_UNAVAILABLE, "database-unavailable",
            "The order database cannot be reached right now." + SEND_AGAIN));
  }

  private static ProblemDetail problem(HttpStatus status, String slug, String detail) {
    ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
    p.setType(URI.create(TYPES + slug));
    return p;
  }
}
