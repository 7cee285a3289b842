package dev.idempotency.examples.orders;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The order service on MariaDB (InnoDB's locking differs from PostgreSQL's) with Redis, and the in-process
 * queue (RabbitMQ is covered by {@link RealServersTest}; two services on one broker queue would
 * consume each other's messages).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"orders.visibility-timeout=500ms", "idempotency.redis.key-prefix=orders-maria"})
class MariaDbOrderServiceTest extends OrderServiceContract {
  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) {
    ExampleServers.redis().forEach((k, v) -> registry.add(k, () -> v));
    ExampleServers.mariadb().forEach((k, v) -> registry.add(k, () -> v));
  }
}
