package dev.idempotency.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.IdempotencyEngine;
import dev.idempotency.InvalidInputException;
import dev.idempotency.annotation.Idempotent;
import dev.idempotency.annotation.IdempotentMethods;
import dev.idempotency.jdbc.JdbcBackend;
import dev.idempotency.memory.InMemoryBackend;
import dev.idempotency.redis.RedisBackend;
import dev.idempotency.spi.Backend;
import dev.idempotency.spring.web.IdempotencyKeyFilter;
import dev.idempotency.spring.web.IdempotencyWebAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Each backend choice, each condition, and the application's own beans replacing the starter's. */
class AutoConfigurationTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class))
      .withUserConfiguration(TestServices.Plain.class);

  static Throwable rootOrSelf(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }

  private static String h2() {
    return "spring.datasource.url=jdbc:h2:mem:auto-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
  }

  @Test
  void withNothingConfiguredTheBackendIsInMemoryAndBeansAreIdempotent() {
    runner.run(ctx -> {
      assertThat(ctx).hasSingleBean(IdempotencyEngine.class).hasSingleBean(IdempotentMethods.class);
      assertThat(ctx.getBean(Backend.class)).isInstanceOf(InMemoryBackend.class);
      TestServices.Payments payments = ctx.getBean(TestServices.Payments.class);
      TestServices.Receipt first = payments.pay(new TestServices.Payment("p1", 100));
      assertThat(payments.pay(new TestServices.Payment("p1", 100))).isEqualTo(first);
      assertThat(payments.runs()).isEqualTo(1);
      TestServices.Shipping shipping = ctx.getBean(TestServices.Shipping.class);
      assertThat(shipping.ship("o1")).isEqualTo(shipping.ship("o1")).isEqualTo("shipment-o1-1");
    });
  }

  @Test
  void aDataSourceMeansJdbcUnlessRedisIsConfiguredOrMemoryIsChosen() {
    ApplicationContextRunner withDataSource = runner
        .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
        .withPropertyValues(h2());
    withDataSource.run(ctx -> assertThat(ctx.getBean(Backend.class)).isInstanceOf(JdbcBackend.class));
    withDataSource.withPropertyValues("idempotency.backend=memory")
        .run(ctx -> assertThat(ctx.getBean(Backend.class)).isInstanceOf(InMemoryBackend.class));
    withDataSource.withPropertyValues("spring.data.redis.url=" + Servers.redisUri())
        .run(ctx -> assertThat(ctx.getBean(Backend.class)).isInstanceOf(RedisBackend.class));
  }

  @Test
  void redisComesFromTheLibrarysOrSpringsPropertiesAndAnswers() {
    String uri = Servers.redisUri();
    java.net.URI u = java.net.URI.create(uri);
    runner.withPropertyValues("idempotency.redis.host=" + u.getHost(), "idempotency.redis.port=" + u.getPort())
        .run(ctx -> {
          assertThat(ctx.getBean(Backend.class)).isInstanceOf(RedisBackend.class);
          TestServices.Payments payments = ctx.getBean(TestServices.Payments.class);
          String id = "redis-" + UUID.randomUUID();
          payments.pay(new TestServices.Payment(id, 1));
          payments.pay(new TestServices.Payment(id, 1));
          assertThat(payments.runs()).isEqualTo(1);
        });
    runner.withPropertyValues("spring.data.redis.host=" + u.getHost(), "spring.data.redis.port=" + u.getPort())
        .run(ctx -> assertThat(ctx.getBean(Backend.class)).isInstanceOf(RedisBackend.class));
  }

  @Test
  void jdbcWithoutADataSourceFailsTheStartSayingWhatToConfigure() {
    runner.withPropertyValues("idempotency.backend=jdbc").run(ctx -> {
      assertThat(ctx).hasFailed();
      assertThat(rootOrSelf(ctx.getStartupFailure())).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("spring.datasource");
    });
  }

  @Test
  void theApplicationsOwnBeansReplaceTheStarters() {
    Backend own = InMemoryBackend.create();
    runner.withBean("myBackend", Backend.class, () -> own).run(ctx -> {
      assertThat(ctx.getBean(Backend.class)).isSameAs(own);
      assertThat(ctx).hasSingleBean(Backend.class);
    });
    IdempotencyEngine engine = IdempotencyEngine.builder(own.idempotencyStore()).build();
    runner.withBean(IdempotencyEngine.class, () -> engine)
        .run(ctx -> assertThat(ctx.getBean(IdempotentMethods.class).engine()).isSameAs(engine));
  }

  @Test
  void propertiesSetTheEnginesDefaultsAndBadOnesFailTheStart() {
    runner.withPropertyValues("idempotency.lease=7s", "idempotency.retention=2h", "idempotency.in-progress=await",
        "idempotency.max-wait=3s").run(ctx -> {
          IdempotencyEngine engine = ctx.getBean(IdempotencyEngine.class);
          assertThat(engine.defaults().lease()).hasSeconds(7);
          assertThat(engine.defaults().retention()).hasHours(2);
        });
    runner.withPropertyValues("idempotency.lease=-1s").run(ctx -> assertThat(ctx).hasFailed());
    runner.withPropertyValues("idempotency.backend=cassandra").run(ctx -> assertThat(ctx).hasFailed());
  }

  static class Broken {
    @Idempotent(key = "{nope}")
    public String run(String id) {
      return id;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class BrokenConfig {
    @Bean
    Broken broken() {
      return new Broken();
    }
  }

  @Test
  void aWrongAnnotationFailsTheStartNamingTheMethod() {
    runner.withUserConfiguration(BrokenConfig.class).run(ctx -> {
      assertThat(ctx).hasFailed();
      assertThat(rootOrSelf(ctx.getStartupFailure())).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("Broken.run").hasMessageContaining("nope");
    });
  }

  @Test
  void withARegistryCallsAreCountedAndStoreTripsTimed() {
    runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(ctx -> {
      TestServices.Payments payments = ctx.getBean(TestServices.Payments.class);
      payments.pay(new TestServices.Payment("m1", 1));
      payments.pay(new TestServices.Payment("m1", 1));
      MeterRegistry registry = ctx.getBean(MeterRegistry.class);
      assertThat(registry.get("idempotency.events").tag("event", "executed").tag("namespace", "payments")
          .counter().count()).isEqualTo(1.0);
      assertThat(registry.get("idempotency.events").tag("event", "replayed").counter().count()).isEqualTo(1.0);
      assertThat(registry.get("idempotency.store").tag("operation", "claim").tag("outcome", "success")
          .timer().count()).isEqualTo(2);
    });
    runner.run(ctx -> assertThat(ctx).doesNotHaveBean(IdempotencyMetrics.class));
  }

  @Test
  void aDefenceBuiltWithTheMetricsCountsEachLayersDecisions() {
    runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(ctx -> {
      IdempotencyMetrics metrics = ctx.getBean(IdempotencyMetrics.class);
      dev.idempotency.memory.InMemoryBackend memory = dev.idempotency.memory.InMemoryBackend.create();
      dev.idempotency.token.OneTimeTokens tokens = dev.idempotency.token.OneTimeTokens.builder(memory.tokenStore()).build();
      dev.idempotency.defence.LayeredDefence<String, String> defence =
          dev.idempotency.defence.LayeredDefence.<String, String>builder("checkout")
              .layerListener(metrics)
              .layer(tokens.asLayer(t -> dev.idempotency.Scope.of("form", "u1"), t -> t))
              .build();
      String token = tokens.issue(dev.idempotency.Scope.of("form", "u1"));
      defence.execute(token, t -> "order");
      defence.execute(token, t -> "order");
      MeterRegistry registry = ctx.getBean(MeterRegistry.class);
      assertThat(registry.get("idempotency.defence.layer").tag("defence", "checkout").tag("layer", "token")
          .tag("decision", "passed").counter().count()).isEqualTo(1.0);
      assertThat(registry.get("idempotency.defence.layer").tag("layer", "token").tag("decision", "stopped")
          .tag("reason", "token_not_valid").counter().count()).isEqualTo(1.0);
    });
  }

  @Test
  void theHealthIndicatorPingsTheBackend() {
    runner.run(ctx -> {
      Health health = ctx.getBean(IdempotencyHealthIndicator.class).health(true);
      assertThat(health.getStatus()).isEqualTo(Status.UP);
      assertThat(health.getDetails()).containsEntry("backend", ctx.getBean(Backend.class).name());
    });
    runner.withPropertyValues("idempotency.backend=redis", "idempotency.redis.host=127.0.0.1",
        "idempotency.redis.port=1", "idempotency.redis.connect-timeout=200ms", "idempotency.redis.timeout=200ms",
        "idempotency.startup-check=false")
        .run(ctx -> assertThat(ctx.getBean(IdempotencyHealthIndicator.class).health(true).getStatus())
            .isEqualTo(Status.DOWN));
  }

  @Test
  void theWebFilterIsThereInServletAppsUnlessTurnedOff() {
    WebApplicationContextRunner web = new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class,
            IdempotencyWebAutoConfiguration.class));
    web.run(ctx -> assertThat(ctx.getBean("idempotencyKeyFilter", FilterRegistrationBean.class).getFilter())
        .isInstanceOf(IdempotencyKeyFilter.class));
    web.withPropertyValues("idempotency.web.enabled=false")
        .run(ctx -> assertThat(ctx).doesNotHaveBean("idempotencyKeyFilter"));
    runner.withConfiguration(AutoConfigurations.of(IdempotencyWebAutoConfiguration.class))
        .run(ctx -> assertThat(ctx).doesNotHaveBean("idempotencyKeyFilter"));
  }
}
