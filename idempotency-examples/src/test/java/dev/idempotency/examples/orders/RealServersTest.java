package dev.idempotency.examples.orders;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The HTTP contract and the demo's scenarios on real servers: Redis for the library's stores,
 * PostgreSQL for the database, RabbitMQ for the queue (a quorum queue with a delivery limit).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"orders.anti-pattern=true", "idempotency.redis.key-prefix=orders-test"})
class RealServersTest extends OrderServiceContract {
  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) {
    ExampleServers.redis().forEach((k, v) -> registry.add(k, () -> v));
    ExampleServers.postgres().forEach((k, v) -> registry.add(k, () -> v));
    ExampleServers.rabbitmq().forEach((k, v) -> registry.add(k, () -> v));
  }
}
