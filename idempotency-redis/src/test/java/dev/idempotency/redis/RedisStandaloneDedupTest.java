package dev.idempotency.redis;

import dev.idempotency.spi.DedupStore;
import dev.idempotency.testkit.DedupContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

/** DedupContract on a standalone Redis. */
class RedisStandaloneDedupTest extends DedupContract {
  private final RedisClients redis = RedisClients.standalone();

  @Override
  protected DedupStore newClient() {
    return redis.newBackend().dedupStore();
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
