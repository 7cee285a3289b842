package dev.idempotency.spring.web;

import dev.idempotency.CallOptions;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The WebFlux routes annotated with {@link IdempotentRequest}, compiled when the context has started
 * (a bad namespace or retention fails the start, naming the handler) and found per request through
 * the application's reactive {@link RequestMappingHandlerMapping}s, without blocking. Thread-safe.
 */
public final class IdempotentReactiveRoutes implements SmartInitializingSingleton {
  private final Supplier<List<RequestMappingHandlerMapping>> mappings;
  private final CompiledRoutes routes;

  /**
   * Routes of the handler mappings.
   *
   * @param mappings the application's reactive handler mappings, in order, resolved when first needed
   * @param defaults the options of every route, before its annotation's
   */
  public IdempotentReactiveRoutes(Supplier<List<RequestMappingHandlerMapping>> mappings, CallOptions defaults) {
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

  /** The route an exchange goes to, if it opted in; empty for no route or one the mapping refuses. */
  Mono<Optional<RouteSpec>> find(ServerWebExchange exchange) {
    return Flux.fromIterable(mappings.get())
        .concatMap(m -> m.getHandler(exchange).onErrorResume(e -> Mono.empty()))
        .next()
        .map(handler -> handler instanceof HandlerMethod h ? routes.of(h) : Optional.<RouteSpec>empty())
        .defaultIfEmpty(Optional.empty());
  }
}
