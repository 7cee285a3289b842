package dev.idempotency.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.InvalidInputException;
import dev.idempotency.codec.Codecs;
import dev.idempotency.spi.Backend;
import dev.idempotency.spi.RecordBackend;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.hazelcast.autoconfigure.HazelcastAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code idempotency.backend=hazelcast}: the backend is built on Spring Boot's own
 * {@code HazelcastInstance} (here an embedded member from {@code spring.hazelcast.config}), on the
 * Hazelcast version Boot manages; without one, the start fails naming the property and what to add.
 */
class HazelcastStarterTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class, HazelcastAutoConfiguration.class));

  @Test
  void theHazelcastBackendIsBuiltOnBootsOwnInstanceAndRunsACallOnce() {
    runner.withPropertyValues("idempotency.backend=hazelcast", "idempotency.hazelcast.map=orders-idem",
        "spring.hazelcast.config=classpath:hazelcast-loopback.yaml").run(ctx -> {
          assertThat(ctx).hasNotFailed();
          Backend backend = ctx.getBean(Backend.class);
          assertThat(backend).isInstanceOf(RecordBackend.class);
          HazelcastInstance hazelcast = ctx.getBean(HazelcastInstance.class);
          assertThat(backend.name()).isEqualTo("hazelcast " + hazelcast.getName() + "/orders-idem");

          IdempotencyEngine engine = ctx.getBean(IdempotencyEngine.class);
          AtomicInteger runs = new AtomicInteger();
          IdempotencyKey key = IdempotencyKey.of("orders", "k1");
          for (int i = 0; i < 3; i++) {
            assertThat(engine.execute(key, Fingerprint.none(), Codecs.string(), c -> "order-" + runs.incrementAndGet())
                .value()).isEqualTo("order-1");
          }
          assertThat(runs).hasValue(1);
          assertThat(hazelcast.getMap("orders-idem").size()).isEqualTo(1);
        });
  }

  @Test
  void withoutAHazelcastInstanceTheStartFailsNamingThePropertyAndWhatToAdd() {
    runner.withPropertyValues("idempotency.backend=hazelcast").run(ctx -> {
      assertThat(ctx).hasFailed();
      Throwable cause = ctx.getStartupFailure();
      while (!(cause instanceof InvalidInputException) && cause.getCause() != null) {
        cause = cause.getCause();
      }
      assertThat(cause).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("idempotency.backend").hasMessageContaining("HazelcastInstance")
          .hasMessageContaining("spring-boot-hazelcast");
    });
  }
}
