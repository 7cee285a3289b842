package dev.idempotency.examples.orders;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The real servers of the order service's tests, each found in this order: an environment variable,
 * Testcontainers when Docker is present, the local default port; otherwise the test fails (never
 * skips) saying what to start. Each returns the Spring properties that point the service at it.
 */
final class ExampleServers {
  private static final Map<String, Map<String, String>> FOUND = new LinkedHashMap<>();

  private ExampleServers() {}

  static synchronized Map<String, String> redis() {
    return FOUND.computeIfAbsent("redis", k -> {
      String env = System.getenv("IDEMPOTENCY_REDIS_URI");
      String url = env != null && !env.isBlank() ? env
          : dev.idempotency.testsupport.Docker.present() ? Containers.start("redis:7-alpine", 6379, Map.of(), "redis://%s:%d")
          : local(6379, "redis://127.0.0.1:6379", "redis-server --daemonize yes --bind 127.0.0.1 --port 6379"
              + " --save \"\" --appendonly no");
      return Map.of("idempotency.backend", "redis", "idempotency.redis.url", url);
    });
  }

  static synchronized Map<String, String> postgres() {
    return FOUND.computeIfAbsent("postgres", k -> {
      String env = System.getenv("IDEMPOTENCY_POSTGRES_URL");
      String url = env != null && !env.isBlank() ? env
          : dev.idempotency.testsupport.Docker.present() ? Containers.start("postgres:16-alpine", 5432,
              Map.of("POSTGRES_HOST_AUTH_METHOD", "trust", "POSTGRES_DB", "test"), "jdbc:postgresql://%s:%d/test")
          : local(5432, "jdbc:postgresql://127.0.0.1:5432/test",
              "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start");
      return Map.of("spring.datasource.url", url, "spring.datasource.username", "postgres",
          "spring.datasource.password", "");
    });
  }

  static synchronized Map<String, String> mariadb() {
    return FOUND.computeIfAbsent("mariadb", k -> {
      String env = System.getenv("IDEMPOTENCY_MARIADB_URL");
      String url = env != null && !env.isBlank() ? env
          : dev.idempotency.testsupport.Docker.present() ? Containers.start("mariadb:11", 3306,
              Map.of("MARIADB_ALLOW_EMPTY_ROOT_PASSWORD", "1", "MARIADB_DATABASE", "test"), "jdbc:mariadb://%s:%d/test?sslMode=disable")
          : local(3306, "jdbc:mariadb://127.0.0.1:3306/test?sslMode=disable",
              "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd");
      return Map.of("spring.datasource.url", url, "spring.datasource.username", "root",
          "spring.datasource.password", "");
    });
  }

  static synchronized Map<String, String> rabbitmq() {
    return FOUND.computeIfAbsent("rabbitmq", k -> {
      String env = System.getenv("IDEMPOTENCY_RABBITMQ_URI");
      String uri = env != null && !env.isBlank() ? env
          : dev.idempotency.testsupport.Docker.present() ? Containers.start("rabbitmq:3-alpine", 5672, Map.of(),
              "amqp://guest:guest@%s:%d")
          : local(5672, "amqp://guest:guest@127.0.0.1:5672", "rabbitmq-server -detached");
      return Map.of("orders.queue", "rabbitmq", "spring.rabbitmq.addresses", uri);
    });
  }

  private static String local(int port, String url, String start) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return url;
    } catch (java.io.IOException e) {
      throw new IllegalStateException("No server on 127.0.0.1:" + port + " for the order service's tests: set the"
          + " environment variable, start Docker, or run: " + start);
    }
  }

  /** Kept apart so that Testcontainers classes load only when Docker is there. */
  private static final class Containers {
    @SuppressWarnings("resource")
    static String start(String image, int port, Map<String, String> env, String format) {
      org.testcontainers.containers.GenericContainer<?> c =
          new org.testcontainers.containers.GenericContainer<>(image).withExposedPorts(port).withEnv(env);
      c.start();
      Runtime.getRuntime().addShutdownHook(new Thread(c::stop));
      return String.format(format, c.getHost(), c.getMappedPort(port));
    }
  }
}
