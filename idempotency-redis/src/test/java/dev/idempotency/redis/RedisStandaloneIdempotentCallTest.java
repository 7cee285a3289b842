package dev.idempotency.redis;

import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.testkit.IdempotentCallContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

/** IdempotentCallContract on a standalone Redis. */
class RedisStandaloneIdempotentCallTest extends IdempotentCallContract {
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
