package dev.idempotency.redis;

import dev.idempotency.testkit.BackendContract;
import dev.idempotency.testkit.BackendFixture;

/** The whole contract on Redis standalone (the local server, or REDIS_URI). */
class RedisStandaloneContractTest extends BackendContract {

  @Override
  protected BackendFixture newFixture() {
    return RedisClients.standalone();
  }
}
