package dev.idempotency.spring.web;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Over the wire, on Redis. */
@SpringBootTest(classes = WebApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RealPortRedisTest extends RealPortContract {
  @DynamicPropertySource
  static void redis(DynamicPropertyRegistry registry) {
    registry.add("idempotency.redis.url", WebServers::redisUri);
    registry.add("idempotency.redis.key-prefix", () -> "web-" + java.util.UUID.randomUUID().toString().substring(0, 8));
  }
}
