package dev.idempotency.spring.web;

import dev.idempotency.CallOptions;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.web.method.HandlerMethod;

/**
 * Each handler method's route, compiled once from its {@link IdempotentRequest} (empty if it has
 * none); shared by the MVC and the WebFlux route finders. Thread-safe.
 */
final class CompiledRoutes {
  private final CallOptions defaults;
  private final Map<Method, Optional<RouteSpec>> routes = new ConcurrentHashMap<>();

  CompiledRoutes(CallOptions defaults) {
    this.defaults = defaults;
  }

  Optional<RouteSpec> of(HandlerMethod handler) {
    return routes.computeIfAbsent(handler.getMethod(), k -> RouteSpec.compile(handler.getMethod(),
        handler.getBeanType(), defaults));
  }
}
