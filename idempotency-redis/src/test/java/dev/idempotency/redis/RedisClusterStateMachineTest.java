package dev.idempotency.redis;

import dev.idempotency.spi.StateStore;
import dev.idempotency.testkit.StateMachineContract;
import org.junit.jupiter.api.AfterEach;

/** StateMachineContract on a three-master Redis Cluster started by the test. */
class RedisClusterStateMachineTest extends StateMachineContract {
  private final RedisClients redis = RedisClients.cluster();

  @Override
  protected StateStore newClient() {
    return redis.newBackend().stateStore("orders");
  }

  @AfterEach
  void closeClients() {
    redis.close();
  }
}
