package dev.idempotency.spring.web;

import dev.idempotency.IdempotencyException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/** Writes {@link Problem}s on a servlet response. */
final class Problems {
  private Problems() {}

  /**
   * Writes the problem of one of the library's exceptions.
   *
   * @param subject what the request was idempotent by, as a sentence starts it ("This Idempotency-Key")
   */
  static void write(HttpServletRequest request, HttpServletResponse response, IdempotencyException e, String subject)
      throws IOException {
    write(request, response, Problem.of(e, subject));
  }

  static void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String detail)
      throws IOException {
    write(request, response, new Problem(status, detail, false));
  }

  private static void write(HttpServletRequest request, HttpServletResponse response, Problem problem)
      throws IOException {
    byte[] bytes = problem.json(request.getRequestURI());
    if (problem.retryAfter()) {
      response.setHeader("Retry-After", "1");
    }
    response.setStatus(problem.status().value());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
  }
}
