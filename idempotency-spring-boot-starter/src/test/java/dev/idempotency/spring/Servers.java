package dev.idempotency.spring;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;

/**
 * The servers the starter's tests use, found in this order: an environment variable
 * ({@code IDEMPOTENCY_REDIS_URI}, {@code IDEMPOTENCY_POSTGRES_URL}), Testcontainers when Docker is
 * present, the local default port; otherwise the tests fail (never skip) saying what to start.
 */
final class Servers {
  private static String redis;
  private static String[] postgres;

  private Servers() {}

  static synchronized String redisUri() {
    if (redis == null) {
      String env = System.getenv("IDEMPOTENCY_REDIS_URI");
      if (env != null && !env.isBlank()) {
        redis = env;
      } else if (dev.idempotency.testsupport.Docker.present()) {
        redis = Containers.redis();
      } else if (answers("127.0.0.1", 6379)) {
        redis = "redis://127.0.0.1:6379";
      } else {
        throw new IllegalStateException("No Redis for the tests: set IDEMPOTENCY_REDIS_URI, start Docker, or run "
            + "redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save \"\" --appendonly no");
      }
    }
    return redis;
  }

  /** URL, user, password. */
  static synchronized String[] postgres() {
    if (postgres == null) {
      String env = System.getenv("IDEMPOTENCY_POSTGRES_URL");
      if (env != null && !env.isBlank()) {
        postgres = new String[] {env, null, null};
      } else if (dev.idempotency.testsupport.Docker.present()) {
        postgres = Containers.postgres();
      } else if (pgAnswers()) {
        postgres = new String[] {"jdbc:postgresql://127.0.0.1:5432/test", "postgres", ""};
      } else {
        throw new IllegalStateException("No PostgreSQL for the tests: set IDEMPOTENCY_POSTGRES_URL, start Docker, or "
            + "run pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start");
      }
    }
    return postgres;
  }

  private static boolean answers(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 1000);
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static boolean pgAnswers() {
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "")) {
      return c.isValid(2);
    } catch (java.sql.SQLException e) {
      return false;
    }
  }

  /** Kept apart so that Testcontainers classes load only when Docker is there. */
  private static final class Containers {
    @SuppressWarnings("resource")
    static String redis() {
      org.testcontainers.containers.GenericContainer<?> c =
          new org.testcontainers.containers.GenericContainer<>("redis:7-alpine").withExposedPorts(6379);
      c.start();
      Runtime.getRuntime().addShutdownHook(new Thread(c::stop));
      return "redis://" + c.getHost() + ":" + c.getMappedPort(6379);
    }

    @SuppressWarnings("resource")
    static String[] postgres() {
      org.testcontainers.postgresql.PostgreSQLContainer c = new org.testcontainers.postgresql.PostgreSQLContainer("postgres:16-alpine");
      c.start();
      Runtime.getRuntime().addShutdownHook(new Thread(c::stop));
      return new String[] {c.getJdbcUrl(), c.getUsername(), c.getPassword()};
    }
  }
}
