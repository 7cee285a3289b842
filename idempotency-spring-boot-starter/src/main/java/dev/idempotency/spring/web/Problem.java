package dev.idempotency.spring.web;

import dev.idempotency.IdempotencyException;
import dev.idempotency.InvalidInputException;
import dev.idempotency.KeyReusedException;
import dev.idempotency.RequestInProgressException;
import dev.idempotency.StoreUnavailableException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpStatus;

/**
 * An RFC 9457 problem ({@code application/problem+json}) as MVC and WebFlux both write it, with no
 * JSON library needed; no servlet or reactive type here.
 *
 * @param status the status
 * @param detail what a person reads
 * @param retryAfter whether {@code Retry-After: 1} goes with it (409 and 503)
 */
record Problem(HttpStatus status, String detail, boolean retryAfter) {

  /**
   * The problem of one of the library's exceptions: its suggested status, a detail a person can read
   * (never the store's internals, which the log has), and {@code Retry-After} on 409 and 503.
   *
   * @param subject what the request was idempotent by, as a sentence starts it ("This Idempotency-Key")
   */
  static Problem of(IdempotencyException e, String subject) {
    HttpStatus status = HttpStatus.resolve(e.suggestedHttpStatus());
    if (status == null) {
      status = HttpStatus.INTERNAL_SERVER_ERROR;
    }
    String detail;
    if (e instanceof RequestInProgressException) {
      detail = subject + " is still being processed; retry later.";
    } else if (e instanceof KeyReusedException) {
      detail = subject + " was used with a different request.";
    } else if (e instanceof InvalidInputException) {
      detail = e.getMessage();
    } else if (e instanceof StoreUnavailableException) {
      detail = "The request could not be made idempotent right now; retry later.";
    } else if (status.is5xxServerError()) {
      detail = "The request could not be completed; retry later.";
    } else {
      detail = status.getReasonPhrase();
    }
    return new Problem(status, detail, status == HttpStatus.CONFLICT || status == HttpStatus.SERVICE_UNAVAILABLE);
  }

  /**
   * The JSON body.
   *
   * @param instance the request's path
   */
  byte[] json(String instance) {
    StringBuilder json = new StringBuilder(160).append('{');
    // An absent type means "about:blank" (RFC 9457, section 4.2.1), as Spring writes it.
    field(json, "title", status.getReasonPhrase()).append(',');
    json.append("\"status\":").append(status.value()).append(',');
    field(json, "detail", detail).append(',');
    field(json, "instance", instance).append('}');
    return json.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static StringBuilder field(StringBuilder json, String name, String value) {
    json.append('"').append(name).append("\":\"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    return json.append('"');
  }
}
