package dev.idempotency.spring.webflux;

import java.util.UUID;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The reactive contract on a real Redis: every round trip is a socket read BlockHound would catch on an event loop. */
@SpringBootTest(classes = ReactiveApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.main.web-application-type=reactive")
class RedisReactiveTest extends ReactiveContract {
  @DynamicPropertySource
  static void redis(DynamicPropertyRegistry registry) {
    registry.add("idempotency.redis.url", dev.idempotency.spring.TestFixtures::redisUri);
    registry.add("idempotency.redis.key-prefix", () -> "rx-" + UUID.randomUUID().toString().substring(0, 8));
  }
}
