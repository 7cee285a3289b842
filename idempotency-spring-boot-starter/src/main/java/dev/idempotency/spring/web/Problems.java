package dev.idempotency.spring.web;

import dev.idempotency.IdempotencyException;
import dev.idempotency.InvalidInputException;
import dev.idempotency.KeyReusedException;
import dev.idempotency.RequestInProgressException;
import dev.idempotency.StoreUnavailableException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

/** Writes RFC 9457 problem details ({@code application/problem+json}) with no JSON library needed. */
final class Problems {
  private Problems() {}

  /**
   * Writes the problem of one of the library's exceptions: its suggested status, a detail a person
   * can read (never the store's internals, which the log has), and {@code Retry-After} on 409 and
   * 503.
   *
   * @param subject what the request was idempotent by, as a sentence starts it ("This Idempotency-Key")
   */
  static void write(HttpServletRequest request, HttpServletResponse response, IdempotencyException e, String subject)
      throws IOException {
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
    if (status == HttpStatus.CONFLICT || status == HttpStatus.SERVICE_UNAVAILABLE) {
      response.setHeader("Retry-After", "1");
    }
    write(request, response, status, detail);
  }

  static void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String detail)
      throws IOException {
    ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
    p.setTitle(status.getReasonPhrase());
    p.setInstance(URI.create(request.getRequestURI()));
    StringBuilder json = new StringBuilder(160).append('{');
    // An absent type means "about:blank" (RFC 9457, section 4.2.1), as Spring writes it.
    if (p.getType() != null) {
      field(json, "type", p.getType().toString()).append(',');
    }
    field(json, "title", p.getTitle()).append(',');
    json.append("\"status\":").append(p.getStatus()).append(',');
    field(json, "detail", p.getDetail()).append(',');
    field(json, "instance", p.getInstance().toString()).append('}');
    byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
    response.setStatus(status.value());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
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
