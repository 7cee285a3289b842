package dev.idempotency.redis;

import dev.idempotency.spi.StateStore;
import dev.idempotency.testkit.StateMachineContract;
import org.junit.jupiter.api.AfterEach;

/** StateMachineContract on a standalone Redis. */
class RedisStandaloneStateMachineTest extends StateMachineContract {
  private final RedisClients redis = RedisClients.standalone();

  @Override
  protected StateStore newClient() {
    return redis.newBackend().stateStore("orders");
  }

  @AfterEach
  void closeClients() {
    redis.close();
  }
}
