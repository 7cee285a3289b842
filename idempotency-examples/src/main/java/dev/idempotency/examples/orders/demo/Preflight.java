package dev.idempotency.examples.orders.demo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

/**
 * Before the demo's service starts: every server its settings name (the database, Redis, RabbitMQ)
 * must answer a TCP connect within a second, or the demo stops at once with {@link Unreachable},
 * which names each server, its address and how to start it or run without it. Embedded defaults
 * name no server.
 */
final class Preflight implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {
  private static final Pattern JDBC = Pattern.compile("jdbc:(postgresql|mariadb|mysql)://([^/:?,]+)(?::(\\d+))?.*");
  private static final int CONNECT_MILLIS = 1_000;

  /** Servers the settings name that do not answer; the message says which and what to do. */
  static final class Unreachable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unreachable(String message) {
      super(message, null, false, false);
    }
  }

  private record Server(String name, String host, int port, String start) {}

  @Override
  public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
    List<String> down = new ArrayList<>();
    for (Server s : servers(event.getEnvironment())) {
      if (!answers(s.host(), s.port())) {
        down.add(s.name() + " at " + s.host() + ":" + s.port() + " does not answer (start it: " + s.start() + ")");
      }
    }
    if (!down.isEmpty()) {
      throw new Unreachable("the demo needs servers that are not running:\n  " + String.join("\n  ", down)
          + "\nor run the demo without --spring.profiles.active for the embedded defaults (no servers).");
    }
  }

  static List<Server> servers(Environment env) {
    List<Server> out = new ArrayList<>();
    Matcher jdbc = JDBC.matcher(env.getProperty("spring.datasource.url", ""));
    if (jdbc.matches()) {
      boolean postgres = jdbc.group(1).equals("postgresql");
      out.add(new Server(postgres ? "PostgreSQL" : "MariaDB", jdbc.group(2),
          jdbc.group(3) != null ? Integer.parseInt(jdbc.group(3)) : postgres ? 5432 : 3306,
          postgres ? "pg_ctlcluster <version> main start" : "start-stop-daemon --start --background --exec /usr/sbin/mariadbd"));
    }
    if ("redis".equalsIgnoreCase(env.getProperty("idempotency.backend", ""))) {
      String url = env.getProperty("idempotency.redis.url", env.getProperty("spring.data.redis.url", ""));
      if (!url.isBlank()) {
        URI u = URI.create(url);
        out.add(new Server("Redis", u.getHost(), u.getPort() < 0 ? 6379 : u.getPort(), "redis-server --daemonize yes"));
      } else if (env.getProperty("idempotency.redis.sentinel.master") == null
          && env.getProperty("idempotency.redis.cluster-nodes") == null
          && env.getProperty("idempotency.redis.cluster-nodes[0]") == null) {   // Sentinel and Cluster find their own
        out.add(new Server("Redis", env.getProperty("idempotency.redis.host", env.getProperty("spring.data.redis.host",
            "127.0.0.1")), Integer.parseInt(env.getProperty("idempotency.redis.port",
            env.getProperty("spring.data.redis.port", "6379"))), "redis-server --daemonize yes"));
      }
    }
    if ("rabbitmq".equals(env.getProperty("orders.queue", "").toLowerCase(Locale.ROOT))) {
      String addresses = env.getProperty("spring.rabbitmq.addresses", "");
      if (!addresses.isBlank()) {
        URI u = URI.create(addresses.split(",")[0].trim());
        out.add(new Server("RabbitMQ", u.getHost(), u.getPort() < 0 ? 5672 : u.getPort(), "rabbitmq-server -detached"));
      } else {
        out.add(new Server("RabbitMQ", env.getProperty("spring.rabbitmq.host", "127.0.0.1"),
            Integer.parseInt(env.getProperty("spring.rabbitmq.port", "5672")), "rabbitmq-server -detached"));
      }
    }
    return out;
  }

  private static boolean answers(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), CONNECT_MILLIS);
      return true;
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }
}
