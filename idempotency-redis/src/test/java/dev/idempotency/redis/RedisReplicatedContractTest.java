package dev.idempotency.redis;

import dev.idempotency.testkit.BackendContract;
import dev.idempotency.testkit.BackendFixture;
import dev.idempotency.testsupport.RedisProcess;

/**
 * The whole contract with replica acknowledgement on: a primary and one replica started by the test,
 * and every write sent with {@code WAIT 1} on the same connection (scripts, their NOSCRIPT fallback,
 * and the plain writes of tokens and dedup marks), so that the pipelined path keeps every rule.
 */
class RedisReplicatedContractTest extends BackendContract {
  private static RedisProcess primary;

  private static synchronized String primary() {
    if (primary == null) {
      primary = RedisProcess.start("--repl-diskless-sync-delay", "0");
      RedisProcess replica = RedisProcess.start("--replicaof", "127.0.0.1", Integer.toString(primary.port()));
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        replica.stop();
        primary.stop();
      }));
      primary.awaitOnlineReplicas(1);
    }
    return primary.uri();
  }

  @Override
  protected BackendFixture newFixture() {
    return RedisClients.replicated(primary(), 1);
  }
}
