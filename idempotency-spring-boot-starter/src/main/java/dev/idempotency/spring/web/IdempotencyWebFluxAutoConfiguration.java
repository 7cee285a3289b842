package dev.idempotency.spring.web;

import dev.idempotency.IdempotencyEngine;
import dev.idempotency.spring.IdempotencyAutoConfiguration;
import dev.idempotency.spring.IdempotencyProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;

/**
 * The {@code Idempotency-Key} header for WebFlux routes annotated with {@link IdempotentRequest}
 * ({@link IdempotencyKeyWebFilter}, off with {@code idempotency.web.enabled=false}), and problem
 * details for the library's exceptions thrown by any handler ({@link IdempotencyWebExceptionHandler},
 * off with {@code idempotency.web.problem-details=false}).
 */
@AutoConfiguration(after = IdempotencyAutoConfiguration.class,
    afterName = "org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass(name = {"org.springframework.web.reactive.DispatcherHandler", "reactor.core.publisher.Mono"})
public class IdempotencyWebFluxAutoConfiguration {

  /** For Spring. */
  public IdempotencyWebFluxAutoConfiguration() {}

  /**
   * The opted-in routes.
   *
   * @param mappings the application's reactive handler mappings
   * @param engine the engine, whose defaults the routes start from
   * @return the routes
   */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnProperty(prefix = "idempotency.web", name = "enabled", matchIfMissing = true)
  public IdempotentReactiveRoutes idempotentReactiveRoutes(ObjectProvider<RequestMappingHandlerMapping> mappings,
      IdempotencyEngine engine) {
    return new IdempotentReactiveRoutes(() -> mappings.orderedStream().toList(), engine.defaults());
  }

  /**
   * The filter.
   *
   * @param engine the engine
   * @param routes the routes
   * @param properties the properties
   * @return the filter
   */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnProperty(prefix = "idempotency.web", name = "enabled", matchIfMissing = true)
  public IdempotencyKeyWebFilter idempotencyKeyWebFilter(IdempotencyEngine engine, IdempotentReactiveRoutes routes,
      IdempotencyProperties properties) {
    IdempotencyProperties.Web web = properties.web();
    return new IdempotencyKeyWebFilter(engine, routes, web.header(), web.replayedHeader(), web.storedHeaders(),
        web.maxBodyBytes(), web.storeFailure() == IdempotencyProperties.StoreFailure.PROCEED);
  }

  /**
   * Problem details for the library's exceptions thrown by any handler.
   *
   * @return the handler
   */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnProperty(prefix = "idempotency.web", name = "problem-details", matchIfMissing = true)
  public IdempotencyWebExceptionHandler idempotencyWebExceptionHandler() {
    return new IdempotencyWebExceptionHandler();
  }
}
