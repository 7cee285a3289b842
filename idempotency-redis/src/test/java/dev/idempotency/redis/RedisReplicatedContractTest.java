package dev.idempotency.redis;

import dev.idempotency.testkit.BackendContract;
import dev.idempotency.testkit.BackendFixture;
import dev.idempotency.testkit.RedisProcess;

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
      awaitReplica(primary);
    }
    return primary.uri();
  }

  private static void awaitReplica(RedisProcess primary) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    try (redis.clients.jedis.Jedis j = new redis.clients.jedis.Jedis("127.0.0.1", primary.port(), 1000)) {
      while (!j.info("replication").contains("state=online")) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the replica did not connect");
        }
        RedisProcess.sleep(20);
      }
    }
  }

  @Override
  protected BackendFixture newFixture() {
    return RedisClients.replicated(primary(), 1);
  }
}
