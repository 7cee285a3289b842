package dev.idempotency.spring.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.spring.IdempotencyAutoConfiguration;
import dev.idempotency.spring.web.IdempotencyKeyWebFilter;
import dev.idempotency.spring.web.IdempotencyWebAutoConfiguration;
import dev.idempotency.spring.web.IdempotencyWebExceptionHandler;
import dev.idempotency.spring.web.IdempotencyWebFluxAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/** The WebFlux parts are there in reactive applications only, and each can be turned off. */
class WebFluxAutoConfigurationTest {
  private final ReactiveWebApplicationContextRunner reactive = new ReactiveWebApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class,
          IdempotencyWebAutoConfiguration.class, IdempotencyWebFluxAutoConfiguration.class))
      .withPropertyValues("idempotency.backend=memory");

  @Test
  void aReactiveApplicationGetsTheWebFilterAndTheProblemHandler() {
    reactive.run(ctx -> assertThat(ctx).hasSingleBean(IdempotencyKeyWebFilter.class)
        .hasSingleBean(IdempotencyWebExceptionHandler.class).doesNotHaveBean("idempotencyKeyFilter"));
    reactive.withPropertyValues("idempotency.web.enabled=false")
        .run(ctx -> assertThat(ctx).doesNotHaveBean(IdempotencyKeyWebFilter.class)
            .hasSingleBean(IdempotencyWebExceptionHandler.class));
    reactive.withPropertyValues("idempotency.web.problem-details=false")
        .run(ctx -> assertThat(ctx).doesNotHaveBean(IdempotencyWebExceptionHandler.class));
  }

  @Test
  void aServletApplicationGetsNoneOfIt() {
    new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class,
            IdempotencyWebAutoConfiguration.class, IdempotencyWebFluxAutoConfiguration.class))
        .withPropertyValues("idempotency.backend=memory")
        .run(ctx -> assertThat(ctx).doesNotHaveBean(IdempotencyKeyWebFilter.class)
            .doesNotHaveBean(IdempotencyWebExceptionHandler.class));
  }
}
