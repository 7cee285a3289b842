package dev.idempotency.spring.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Opts a Spring MVC route (a handler method, or every route of a controller) into the
 * {@code Idempotency-Key} header semantics of the IETF draft "The Idempotency-Key HTTP Header
 * Field":
 * <ul>
 *   <li>no key: 400; a malformed one (blank, over 256 characters, control characters): 400;</li>
 *   <li>the first request with a key runs and its response is stored (status, {@code Content-Type},
 *       the headers listed in {@code idempotency.web.stored-headers}, body);</li>
 *   <li>a repeat with the same key and the same request (method, path, query and body) gets the
 *       stored response again, with {@code Idempotent-Replayed: true}, without running;</li>
 *   <li>a repeat while the first is still running: 409; the same key with another request: 422;</li>
 *   <li>a 5xx response, or 408, 409, 425 and 429, is not stored: its key is released, and a retry
 *       runs again;</li>
 *   <li>errors are {@code application/problem+json}; keys are scoped by the authenticated user
 *       (the request's principal) when there is one, so two users' equal keys never meet.</li>
 * </ul>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface IdempotentRequest {
  /**
   * The namespace of the keys; empty derives {@code ControllerName.methodName}.
   *
   * @return the namespace
   */
  String namespace() default "";

  /**
   * How long a stored response is replayed; empty for {@code idempotency.retention}. ISO-8601 or a
   * number with a unit ({@code "24h"}).
   *
   * @return the retention
   */
  String retention() default "";

  /**
   * Whether a request without the header is refused (400); false runs it without idempotency.
   *
   * @return whether the key is required
   */
  boolean required() default true;
}
