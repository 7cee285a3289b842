package dev.idempotency.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.InvalidInputException;
import dev.idempotency.jdbc.JdbcBackend;
import dev.idempotency.redis.RedisBackend;
import dev.idempotency.spi.Backend;
import dev.idempotency.testsupport.RedisProcess;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.support.SpringFactoriesLoader;

/**
 * How the backend is chosen and checked at start-up: any Redis property means Redis; a store that
 * does not answer stops the start with an analysis that names the store, its address and the
 * properties (unless the check is off); a bad property value names the property.
 */
class ChoosingAndStartingTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class, DataSourceAutoConfiguration.class))
      .withPropertyValues("spring.datasource.url=jdbc:h2:mem:choose-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");

  private static String deadRedis() {
    return "redis://127.0.0.1:" + RedisProcess.freePort();
  }

  @ParameterizedTest
  @ValueSource(strings = {"spring.data.redis.password=s3cret", "spring.data.redis.username=app",
      "spring.data.redis.database=3", "spring.data.redis.ssl.enabled=false", "spring.data.redis.timeout=2s",
      "idempotency.redis.password=s3cret", "idempotency.redis.database=3"})
  void anyRedisPropertyChoosesRedisOverTheDataSource(String property) {
    runner.withPropertyValues(property, "idempotency.startup-check=false")
        .run(ctx -> assertThat(ctx.getBean(Backend.class)).isInstanceOf(RedisBackend.class));
  }

  @Test
  void withoutRedisPropertiesTheDataSourceIsChosen() {
    runner.run(ctx -> assertThat(ctx.getBean(Backend.class)).isInstanceOf(JdbcBackend.class));
  }

  @Test
  void aRedisThatDoesNotAnswerStopsTheStartWithAnAnalysisNamingItsAddressAndProperty() {
    String url = deadRedis();
    runner.withPropertyValues("spring.data.redis.url=" + url, "spring.data.redis.connect-timeout=300ms")
        .run(ctx -> {
          assertThat(ctx).hasFailed();
          FailureAnalysis analysis = analyze(ctx.getStartupFailure());
          assertThat(analysis.getDescription()).contains(url.substring("redis://".length()));
          assertThat(analysis.getAction()).contains("spring.data.redis.url").contains("idempotency.startup-check=false");
        });
  }

  @Test
  void withTheCheckOffTheApplicationStartsWithoutItsRedis() {
    runner.withPropertyValues("spring.data.redis.url=" + deadRedis(), "idempotency.startup-check=false")
        .run(ctx -> assertThat(ctx).hasNotFailed().getBean(Backend.class).isInstanceOf(RedisBackend.class));
  }

  @Test
  void aDatabaseThatDoesNotAnswerStopsTheStartWithTheSameAnalysis() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class, DataSourceAutoConfiguration.class))
        .withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:" + RedisProcess.freePort() + "/test",
            "spring.datasource.hikari.connection-timeout=500", "idempotency.backend=jdbc")
        .run(ctx -> {
          assertThat(ctx).hasFailed();
          FailureAnalysis analysis = analyze(ctx.getStartupFailure());
          assertThat(analysis.getAction()).contains("spring.datasource.url");
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"idempotency.lease=0s", "idempotency.retention=-1s", "idempotency.max-wait=0s",
      "idempotency.redis.max-connections=0", "idempotency.redis.key-prefix=a{b", "idempotency.web.max-body-bytes=0",
      "idempotency.memory.maximum-entities=0", "idempotency.jdbc.table-prefix=x;drop"})
  void aBadValueFailsTheStartNamingTheProperty(String property) {
    String name = property.substring(0, property.indexOf('='));
    runner.withPropertyValues(property).run(ctx -> {
      assertThat(ctx).hasFailed();
      InvalidInputException e = find(ctx.getStartupFailure(), InvalidInputException.class);
      assertThat(e).as("an InvalidInputException in %s", ctx.getStartupFailure()).isNotNull();
      assertThat(e.field()).isEqualTo(name);
      assertThat(e.getMessage()).startsWith(name + ": ");
    });
  }

  private static FailureAnalysis analyze(Throwable failure) {
    // Boot's own analyzers want the bean factory; only whether ours is registered matters here.
    FailureAnalyzer ours = SpringFactoriesLoader.forDefaultResourceLocation().load(FailureAnalyzer.class, null,
            SpringFactoriesLoader.FailureHandler.handleMessage((message, e) -> { })).stream()
        .filter(IdempotencyFailureAnalyzer.class::isInstance).findFirst()
        .orElseThrow(() -> new AssertionError("IdempotencyFailureAnalyzer is not registered in spring.factories"));
    FailureAnalysis analysis = ours.analyze(failure);
    assertThat(analysis).as("an analysis of %s", failure).isNotNull();
    return analysis;
  }

  private static <T extends Throwable> T find(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }
}
