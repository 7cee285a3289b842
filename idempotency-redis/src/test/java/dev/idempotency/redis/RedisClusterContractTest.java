package dev.idempotency.redis;

import dev.idempotency.testkit.BackendContract;
import dev.idempotency.testkit.BackendFixture;

/** The whole contract on Redis cluster (three masters started by the test). */
class RedisClusterContractTest extends BackendContract {

  @Override
  protected BackendFixture newFixture() {
    return RedisClients.cluster();
  }
}
