/** The Redis backend: {@link dev.idempotency.redis.RedisBackend}, standalone and Redis Cluster. */
package dev.idempotency.redis;
