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
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The {@code Idempotency-Key} header for Spring MVC routes annotated with {@link IdempotentRequest}:
 * a servlet filter after the security filters (so the principal is known), off with
 * {@code idempotency.web.enabled=false}; and problem details for the library's exceptions thrown by
 * any handler ({@link IdempotencyExceptionResolver}), off with
 * {@code idempotency.web.problem-details=false}.
 */
@AutoConfiguration(after = IdempotencyAutoConfiguration.class,
    afterName = "org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(name = {"org.springframework.web.servlet.DispatcherServlet", "jakarta.servlet.Filter"})
public class IdempotencyWebAutoConfiguration {
  /** The filter's order: after Spring Security's filter chain (-100), before the dispatcher. */
  public static final int FILTER_ORDER = Ordered.LOWEST_PRECEDENCE - 100;

  /** For Spring. */
  public IdempotencyWebAutoConfiguration() {}

  /**
   * The opted-in routes.
   *
   * @param mappings the application's handler mappings
   * @param engine the engine, whose defaults the routes start from
   * @return the routes
   */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnProperty(prefix = "idempotency.web", name = "enabled", matchIfMissing = true)
  public IdempotentRoutes idempotentRoutes(
      ObjectProvider<RequestMappingHandlerMapping> mappings, IdempotencyEngine engine) {
    return new IdempotentRoutes(() -> mappings.orderedStream().toList(), engine.defaults());
  }

  /**
   * The filter.
   *
   * @param engine the engine
   * @param routes the routes
   * @param properties the properties
   * @return its registration
   */
  @Bean
  @ConditionalOnMissingBean(name = "idempotencyKeyFilter")
  @ConditionalOnProperty(prefix = "idempotency.web", name = "enabled", matchIfMissing = true)
  public FilterRegistrationBean<IdempotencyKeyFilter> idempotencyKeyFilter(IdempotencyEngine engine,
      IdempotentRoutes routes, IdempotencyProperties properties) {
    IdempotencyProperties.Web web = properties.web();
    FilterRegistrationBean<IdempotencyKeyFilter> registration = new FilterRegistrationBean<>(new IdempotencyKeyFilter(
        engine, routes, web.header(), web.replayedHeader(), web.storedHeaders(), web.maxBodyBytes(),
        web.storeFailure() == IdempotencyProperties.StoreFailure.PROCEED));
    registration.setOrder(FILTER_ORDER);
    registration.setName("idempotencyKeyFilter");
    return registration;
  }

  /**
   * Problem details for the library's exceptions thrown by any handler.
   *
   * @return the resolver, after the application's exception handlers
   */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnProperty(prefix = "idempotency.web", name = "problem-details", matchIfMissing = true)
  public IdempotencyExceptionResolver idempotencyExceptionResolver() {
    return new IdempotencyExceptionResolver();
  }
}
