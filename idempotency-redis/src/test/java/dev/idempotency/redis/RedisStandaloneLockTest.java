package dev.idempotency.redis;

import dev.idempotency.spi.LockStore;
import dev.idempotency.testkit.LockContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

/** LockContract on a standalone Redis. */
class RedisStandaloneLockTest extends LockContract {
  private final RedisClients redis = RedisClients.standalone();

  @Override
  protected LockStore newClient() {
    return redis.newBackend().lockStore();
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
