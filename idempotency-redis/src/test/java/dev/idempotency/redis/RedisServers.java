package dev.idempotency.redis;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;

/**
 * Finds the standalone Redis the contract tests run against, in this order: the
 * {@code IDEMPOTENCY_REDIS_URI} environment variable; a Testcontainers Redis when Docker is present;
 * the local default 127.0.0.1:6379 when it answers; otherwise the tests fail (never skip) with a
 * message that says what to start.
 */
final class RedisServers {
  private static final Logger LOG = LoggerFactory.getLogger(RedisServers.class);
  private static String uri;

  private RedisServers() {}

  static synchronized String standaloneUri() {
    if (uri == null) {
      uri = resolve();
      LOG.info("Redis contract tests run against {}", uri);
    }
    return uri;
  }

  private static String resolve() {
    String env = System.getenv("IDEMPOTENCY_REDIS_URI");
    if (env != null && !env.isBlank()) {
      return env;
    }
    if (dev.idempotency.testsupport.Docker.present()) {
      return Containers.startRedis();
    }
    if (answers("127.0.0.1", 6379)) {
      return "redis://127.0.0.1:6379";
    }
    throw new IllegalStateException("No Redis for the tests: set IDEMPOTENCY_REDIS_URI, or start Docker "
        + "(Testcontainers), or start a local server: redis-server --daemonize yes --bind 127.0.0.1 "
        + "--port 6379 --save \"\" --appendonly no");
  }

  static boolean answers(String host, int port) {
    try (Jedis j = new Jedis(host, port, 1000)) {
      return "PONG".equals(j.ping());
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Kept apart so that Testcontainers classes load only when Docker is there. */
  private static final class Containers {
    @SuppressWarnings("resource")
    static String startRedis() {
      org.testcontainers.containers.GenericContainer<?> redis =
          new org.testcontainers.containers.GenericContainer<>("redis:7-alpine").withExposedPorts(6379);
      redis.start();
      Runtime.getRuntime().addShutdownHook(new Thread(redis::stop));
      return "redis://" + redis.getHost() + ":" + redis.getMappedPort(6379);
    }
  }
}
