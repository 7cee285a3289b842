package dev.idempotency.redis;

import dev.idempotency.spi.DedupStore;
import dev.idempotency.testkit.DedupContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

/** DedupContract on a three-master Redis Cluster started by the test. */
class RedisClusterDedupTest extends DedupContract {
  private final RedisClients redis = RedisClients.cluster();

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
