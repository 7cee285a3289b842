/**
 * The Redis backend, standalone and Redis Cluster, on Jedis.
 */
module dev.idempotency.redis {
  requires transitive dev.idempotency.core;
  requires transitive redis.clients.jedis;

  exports dev.idempotency.redis;
}
