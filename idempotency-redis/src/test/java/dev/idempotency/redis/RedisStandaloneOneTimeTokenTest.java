package dev.idempotency.redis;

import dev.idempotency.spi.TokenStore;
import dev.idempotency.testkit.OneTimeTokenContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

/** OneTimeTokenContract on a standalone Redis. */
class RedisStandaloneOneTimeTokenTest extends OneTimeTokenContract {
  private final RedisClients redis = RedisClients.standalone();

  @Override
  protected TokenStore newClient() {
    return redis.newBackend().tokenStore();
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
