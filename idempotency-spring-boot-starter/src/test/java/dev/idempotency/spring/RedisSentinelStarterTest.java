package dev.idempotency.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.StoreUnavailableException;
import dev.idempotency.redis.RedisBackend;
import dev.idempotency.spi.Backend;
import dev.idempotency.testsupport.RedisProcess;
import dev.idempotency.testsupport.RedisSentinel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Redis behind Sentinel in a Spring Boot application, from Spring's own
 * {@code spring.data.redis.sentinel.*} properties, on the Jedis the build pins and on the one Spring
 * Boot manages ({@code jedis-7}): a primary, one replica and a Sentinel started on loopback ports.
 * With {@code idempotency.redis.replicas} set, a write the replicas acknowledge runs once; one they
 * cannot acknowledge is refused as the store being unavailable and its action does not run.
 */
class RedisSentinelStarterTest {
  private static RedisProcess primary;
  private static RedisProcess replica;
  private static RedisSentinel sentinel;

  @BeforeAll
  static void start() {
    primary = RedisProcess.start("--repl-diskless-sync-delay", "0");
    replica = RedisProcess.start("--replicaof", "127.0.0.1", Integer.toString(primary.port()));
    sentinel = RedisSentinel.watching(primary.port());
    sentinel.awaitReplicas(1);
  }

  @AfterAll
  static void stop() {
    if (sentinel != null) {
      sentinel.close();
    }
    if (replica != null) {
      replica.stop();
    }
    if (primary != null) {
      primary.stop();
    }
  }

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class))
      .withUserConfiguration(TestServices.Plain.class);

  @Test
  void springsSentinelPropertiesConnectToThePrimaryAndAcknowledgedCallsRunOnce() {
    runner.withPropertyValues("spring.data.redis.sentinel.master=" + RedisSentinel.MASTER,
        "spring.data.redis.sentinel.nodes=" + sentinel.node(), "idempotency.redis.replicas=1").run(ctx -> {
          assertThat(ctx).hasNotFailed();
          assertThat(ctx.getBean(Backend.class)).isInstanceOf(RedisBackend.class);
          assertThat(ctx.getBean(Backend.class).name()).startsWith("redis-sentinel " + RedisSentinel.MASTER + "@");
          TestServices.Payments payments = ctx.getBean(TestServices.Payments.class);
          TestServices.Payment p = new TestServices.Payment("sentinel-" + System.nanoTime(), 500);
          assertThat(payments.pay(p)).isEqualTo(payments.pay(p));
          assertThat(payments.runs()).isEqualTo(1);
        });
  }

  @Test
  void aWriteFewerReplicasAcknowledgeIsRefusedAndItsActionDoesNotRun() {
    runner.withPropertyValues("idempotency.redis.sentinel.master=" + RedisSentinel.MASTER,
        "idempotency.redis.sentinel.nodes=" + sentinel.node(), "idempotency.redis.replicas=2",
        "idempotency.redis.replica-timeout=200ms", "idempotency.redis.key-prefix=unacked").run(ctx -> {
          assertThat(ctx).hasNotFailed();
          TestServices.Payments payments = ctx.getBean(TestServices.Payments.class);
          TestServices.Payment p = new TestServices.Payment("unacked-" + System.nanoTime(), 500);
          assertThatThrownBy(() -> payments.pay(p)).isInstanceOf(StoreUnavailableException.class)
              // One replica runs, so at most 1 of 2 acknowledges (0 when a busy machine holds its link
              // past the 200 ms timeout): fewer than asked either way.
              .hasMessageMatching("(?s).*acknowledged by [01] of 2 replicas.*");
          try (redis.clients.jedis.Jedis primaryClient = new redis.clients.jedis.Jedis("127.0.0.1", primary.port())) {
            assertThat(primaryClient.keys("unacked:rec:*")).as("the claim made on the primary alone was undone").isEmpty();
          }
          assertThatThrownBy(() -> payments.pay(p)).isInstanceOf(StoreUnavailableException.class);
          assertThat(payments.runs()).isZero();
        });
  }

  @Test
  void noSentinelAnsweringFailsTheStartNamingTheProperty() {
    runner.withPropertyValues("spring.data.redis.sentinel.master=" + RedisSentinel.MASTER,
        "spring.data.redis.sentinel.nodes=127.0.0.1:" + RedisProcess.freePort()).run(ctx -> {
          assertThat(ctx).hasFailed();
          Throwable t = ctx.getStartupFailure();
          while (t != null && !(t instanceof StoreUnreachableAtStartupException)) {
            t = t.getCause();
          }
          assertThat(t).isNotNull();
          assertThat(((StoreUnreachableAtStartupException) t).properties())
              .containsExactly("spring.data.redis.sentinel.nodes");
        });
  }

  @Test
  void replicasOutOfRangeFailBindingNamingTheProperty() {
    runner.withPropertyValues("idempotency.redis.replicas=-1").run(ctx -> {
      assertThat(ctx).hasFailed();
      assertThat(ctx.getStartupFailure()).hasStackTraceContaining("idempotency.redis.replicas: must be 0 to 16");
    });
  }
}
