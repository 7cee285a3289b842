package com.example.shop;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Spring's own {@code spring.data.redis.url}, on the Jedis Spring Boot manages (not the one the
 * library's build pins). The server: IDEMPOTENCY_REDIS_URI, else 127.0.0.1:6379.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OnRedisTest extends QuickstartContract {
  @DynamicPropertySource
  static void redis(DynamicPropertyRegistry registry) {
    String env = System.getenv("IDEMPOTENCY_REDIS_URI");
    registry.add("spring.data.redis.url", () -> env != null && !env.isBlank() ? env : "redis://127.0.0.1:6379");
  }

  @Override
  String expectedBackend() {
    return "RedisBackend";
  }

  @Test
  void itRunsOnTheJedisSpringBootManages() {
    String managed = System.getProperty("boot.jedis");
    assertThat(managed).as("set by this module's surefire configuration").isNotBlank();
    assertThat(redis.clients.jedis.Jedis.class.getProtectionDomain().getCodeSource().getLocation().getPath())
        .endsWith("/jedis-" + managed + ".jar");
  }
}
