package dev.idempotency.spring.web;

import dev.idempotency.CallOptions;
import dev.idempotency.Fingerprint;
import dev.idempotency.InvalidInputException;
import dev.idempotency.Scope;
import dev.idempotency.annotation.AnnotationSupport;
import dev.idempotency.spi.support.Hashing;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * One route opted into the {@code Idempotency-Key} header by {@link IdempotentRequest}, as MVC and
 * WebFlux both compile and use it; no servlet or reactive type here, so either stack loads it alone.
 *
 * @param namespace the namespace of its keys
 * @param options its call options
 * @param required whether a request without a key is refused
 */
record RouteSpec(String namespace, CallOptions options, boolean required) {

  /**
   * The scope of a request's keys: the namespace, and the authenticated user when there is one.
   *
   * @param principal the principal's name, or null or empty for none
   */
  Scope scope(String principal) {
    if (principal == null || principal.isEmpty()) {
      return Scope.of(namespace);
    }
    try {
      return Scope.of(namespace, principal);
    } catch (InvalidInputException e) {
      // A name the key format cannot hold (too long, control characters) is scoped by its hash.
      return Scope.of(namespace, Hashing.sha256Hex(principal));
    }
  }

  /**
   * The route of a handler method, if it opted in.
   *
   * @throws InvalidInputException naming the handler, for a bad namespace or retention
   */
  static Optional<RouteSpec> compile(Method method, Class<?> beanType, CallOptions defaults) {
    Class<?> type = ClassUtils.getUserClass(beanType);
    IdempotentRequest a = AnnotatedElementUtils.findMergedAnnotation(method, IdempotentRequest.class);
    if (a == null) {
      a = AnnotatedElementUtils.findMergedAnnotation(type, IdempotentRequest.class);
    }
    if (a == null) {
      return Optional.empty();
    }
    String where = type.getName() + "." + method.getName();
    String namespace = a.namespace().isEmpty() ? AnnotationSupport.derivedNamespace(type, method.getName()) : a.namespace();
    try {
      Scope.of(namespace);
    } catch (InvalidInputException e) {
      throw new InvalidInputException("@IdempotentRequest", where + ": namespace \"" + namespace + "\": " + e.getMessage());
    }
    CallOptions.Builder options = defaults.toBuilder();
    if (!a.retention().isEmpty()) {
      options.retention(AnnotationSupport.parseDuration(a.retention(), "@IdempotentRequest(retention) of " + where));
    }
    return Optional.of(new RouteSpec(namespace, options.build(), a.required()));
  }

  /** A request's fingerprint: its method, path, query and body. */
  static Fingerprint fingerprint(String method, String path, String query, byte[] body) {
    byte[] head = (method.toUpperCase(Locale.ROOT) + ' ' + path + (query == null ? "" : "?" + query) + '\n')
        .getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[head.length + body.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    return Fingerprint.sha256(all);
  }
}
