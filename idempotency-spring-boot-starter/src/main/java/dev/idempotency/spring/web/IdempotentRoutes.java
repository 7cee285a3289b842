package dev.idempotency.spring.web;

import dev.idempotency.CallOptions;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;

/**
 * The MVC routes annotated with {@link IdempotentRequest}, compiled when the context has started
 * (a bad namespace or retention fails the start, naming the handler) and found per request through
 * the application's {@link RequestMappingHandlerMapping}. Thread-safe.
 */
public final class IdempotentRoutes implements SmartInitializingSingleton {
  private final Supplier<List<RequestMappingHandlerMapping>> mappings;
  private final CompiledRoutes routes;

  /**
   * Routes of a handler mapping.
   *
   * @param mappings the application's handler mappings (there may be several: actuator adds its
   *     own), in order, resolved when first needed
   * @param defaults the options of every route, before its annotation's
   */
  public IdempotentRoutes(Supplier<List<RequestMappingHandlerMapping>> mappings, CallOptions defaults) {
    // Looked up once, on first use: a lookup per request cost a fifth of the filter's CPU under load.
    this.mappings = SingletonSupplier.of(mappings);
    this.routes = new CompiledRoutes(defaults);
  }

  @Override
  public void afterSingletonsInstantiated() {
    for (RequestMappingHandlerMapping m : mappings.get()) {
      m.getHandlerMethods().values().forEach(routes::of);
    }
  }

  /** The route a request goes to, if it opted in. */
  Optional<RouteSpec> find(HttpServletRequest request) {
    boolean parsed = ServletRequestPathUtils.hasParsedRequestPath(request);
    try {
      if (!parsed) {
        ServletRequestPathUtils.parseAndCache(request);
      }
      for (RequestMappingHandlerMapping m : mappings.get()) {
        HandlerExecutionChain chain = m.getHandler(request);
        if (chain != null) {
          return chain.getHandler() instanceof HandlerMethod h ? routes.of(h) : Optional.empty();
        }
      }
      return Optional.empty();
    } catch (Exception e) {
      // No route, or one the mapping refuses (405, 415): the dispatcher answers it as usual.
      return Optional.empty();
    } finally {
      if (!parsed) {
        ServletRequestPathUtils.clearParsedRequestPath(request);
      }
    }
  }
}
