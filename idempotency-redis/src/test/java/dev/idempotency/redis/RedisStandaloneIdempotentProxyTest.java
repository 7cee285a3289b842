package dev.idempotency.redis;

import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.testkit.IdempotentProxyContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

/** IdempotentProxyContract (@Idempotent services) on a standalone Redis. */
class RedisStandaloneIdempotentProxyTest extends IdempotentProxyContract {
  private final RedisClients redis = RedisClients.standalone();

  @Override
  protected IdempotencyStore newClient() {
    return redis.newBackend().idempotencyStore();
  }

  @Override
  protected void advance(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }

  @AfterEach
  void closeClients() {
    redis.close();
  }
}
