package dev.idempotency.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.StoreUnavailableException;
import dev.idempotency.testsupport.RedisProcess;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A write that fewer replicas acknowledge than asked (here a primary with none) is refused as the
 * store being unavailable, and what it made on the primary alone is undone: a claim (so the action
 * does not run and a retry may claim) and a token or dedup mark (so a retry finds none). Reads are
 * not held up by the replicas.
 */
class RedisReplicaAcknowledgementTest {
  private static RedisProcess primary;

  @BeforeAll
  static void start() {
    primary = RedisProcess.start();
  }

  @AfterAll
  static void stop() {
    primary.stop();
  }

  private static RedisBackend backend(String prefix) {
    return RedisBackend.builder().uri(primary.uri()).keyPrefix(prefix).replicas(1, Duration.ofMillis(100)).build();
  }

  private static long keys(String pattern) {
    try (Jedis j = new Jedis("127.0.0.1", primary.port())) {
      return j.keys(pattern).size();
    }
  }

  @Test
  void anUnacknowledgedClaimIsRefusedAndUndone() {
    try (RedisBackend redis = backend("claims")) {
      assertThatThrownBy(() -> redis.idempotencyStore().claim("orders:k1", "fp", Duration.ofSeconds(30)))
          .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("acknowledged by 0 of 1 replicas");
      assertThat(keys("claims:*")).isZero();
      assertThat(redis.idempotencyStore().find("orders:k1")).isEmpty();
    }
  }

  @Test
  void anUnacknowledgedTokenOrDedupMarkIsRefusedAndUndone() {
    try (RedisBackend redis = backend("marks")) {
      assertThatThrownBy(() -> redis.tokenStore().mark("t1", Duration.ofMinutes(1)))
          .isInstanceOf(StoreUnavailableException.class);
      assertThatThrownBy(() -> redis.dedupStore().mark("m1", Duration.ofMinutes(1)))
          .isInstanceOf(StoreUnavailableException.class);
      assertThat(keys("marks:*")).isZero();
    }
  }

  @Test
  void replicasOnRedisClusterAreRefusedWhenBuilt() {
    assertThatThrownBy(() -> RedisBackend.builder().cluster(java.util.List.of("127.0.0.1:7000"))
        .replicas(1, Duration.ofSeconds(1)).build())
        .isInstanceOf(dev.idempotency.InvalidInputException.class).hasMessageContaining("replicas");
  }
}
