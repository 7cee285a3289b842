package dev.idempotency.spring;

import dev.idempotency.InvalidInputException;
import dev.idempotency.memory.InMemoryBackend;
import dev.idempotency.spi.Backend;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Chooses and builds the backend from the properties and what the application has. The Redis and
 * JDBC modules are optional: their classes are only touched when chosen (nested classes load
 * lazily), so an application with neither on its class path never loads them.
 */
final class Backends {
  private static final Logger LOG = LoggerFactory.getLogger(Backends.class);
  static final String REDIS_BACKEND = "dev.idempotency.redis.RedisBackend";
  static final String JDBC_BACKEND = "dev.idempotency.jdbc.JdbcBackend";

  /** A built backend, and the application's DataSource it writes through (null unless JDBC). */
  record Built(Backend backend, DataSource dataSource) { }

  private Backends() {}

  static IdempotencyProperties.BackendType choose(IdempotencyProperties p, Environment env, boolean hasDataSource) {
    IdempotencyProperties.BackendType type = p.backend();
    if (type != IdempotencyProperties.BackendType.AUTO) {
      return type;
    }
    ClassLoader cl = Backends.class.getClassLoader();
    if (ClassUtils.isPresent(REDIS_BACKEND, cl) && (p.redis().configured() || springRedisConfigured(env))) {
      return IdempotencyProperties.BackendType.REDIS;
    }
    if (ClassUtils.isPresent(JDBC_BACKEND, cl) && hasDataSource) {
      return IdempotencyProperties.BackendType.JDBC;
    }
    return IdempotencyProperties.BackendType.MEMORY;
  }

  static Built create(IdempotencyProperties p, Environment env, DataSource dataSource) {
    IdempotencyProperties.BackendType type = choose(p, env, dataSource != null);
    ClassLoader cl = Backends.class.getClassLoader();
    Built built;
    switch (type) {
      case REDIS -> {
        require(ClassUtils.isPresent(REDIS_BACKEND, cl), "redis", "dev.idempotency:idempotency-redis");
        built = new Built(Redis.create(p.redis(), env), null);
      }
      case JDBC -> {
        require(ClassUtils.isPresent(JDBC_BACKEND, cl), "jdbc", "dev.idempotency:idempotency-jdbc");
        if (dataSource == null) {
          throw new InvalidInputException("idempotency.backend",
              "is jdbc but the application has no single DataSource bean; configure spring.datasource.*");
        }
        built = new Built(Jdbc.create(p.jdbc(), dataSource), dataSource);
      }
      default -> built = new Built(memory(p.memory()), null);
    }
    LOG.info("Idempotency backend: {} ({})", built.backend().name(), type.name().toLowerCase(java.util.Locale.ROOT));
    return built;
  }

  private static void require(boolean present, String backend, String artifact) {
    if (!present) {
      throw new InvalidInputException("idempotency.backend", "is " + backend + " but " + artifact
          + " is not on the class path; add it as a dependency");
    }
  }

  private static Backend memory(IdempotencyProperties.Memory m) {
    InMemoryBackend.Builder b = InMemoryBackend.builder();
    if (m.maximumEntities() != null) {
      b.maximumEntities(m.maximumEntities());
    }
    if (m.maximumWeightBytes() != null) {
      b.maximumWeightBytes(m.maximumWeightBytes());
    }
    return b.build();
  }

  static boolean springRedisConfigured(Environment env) {
    return env.containsProperty("spring.data.redis.url") || env.containsProperty("spring.data.redis.host")
        || env.containsProperty("spring.data.redis.port")
        || !Binder.get(env).bind("spring.data.redis.cluster.nodes", Bindable.listOf(String.class))
            .orElse(List.of()).isEmpty();
  }

  /** Only loaded when Redis is chosen. */
  static final class Redis {
    private Redis() {}

    static Backend create(IdempotencyProperties.Redis r, Environment env) {
      Binder binder = Binder.get(env);
      dev.idempotency.redis.RedisBackend.Builder b = dev.idempotency.redis.RedisBackend.builder();
      List<String> nodes = r.clusterNodes() != null && !r.clusterNodes().isEmpty() ? r.clusterNodes()
          : binder.bind("spring.data.redis.cluster.nodes", Bindable.listOf(String.class)).orElse(List.of());
      String url = first(r.url(), env.getProperty("spring.data.redis.url"));
      if (!nodes.isEmpty()) {
        b.cluster(nodes);
      } else if (url != null) {
        b.uri(url);
      } else {
        String host = first(r.host(), env.getProperty("spring.data.redis.host"), "localhost");
        Integer port = r.port() != null ? r.port() : env.getProperty("spring.data.redis.port", Integer.class, 6379);
        b.hostAndPort(host, port);
      }
      String user = first(r.username(), env.getProperty("spring.data.redis.username"));
      if (user != null) {
        b.user(user);
      }
      String password = first(r.password(), env.getProperty("spring.data.redis.password"));
      if (password != null) {
        b.password(password);
      }
      Boolean ssl = r.ssl() != null ? r.ssl() : env.getProperty("spring.data.redis.ssl.enabled", Boolean.class);
      if (ssl != null && ssl) {
        b.tls(true);
      }
      Integer database = r.database() != null ? r.database() : env.getProperty("spring.data.redis.database", Integer.class);
      if (database != null && database != 0 && nodes.isEmpty()) {
        b.database(database);
      }
      Duration timeout = r.timeout() != null ? r.timeout()
          : binder.bind("spring.data.redis.timeout", Duration.class).orElse(null);
      if (timeout != null) {
        b.socketTimeout(timeout);
      }
      Duration connect = r.connectTimeout() != null ? r.connectTimeout()
          : binder.bind("spring.data.redis.connect-timeout", Duration.class).orElse(null);
      if (connect != null) {
        b.connectTimeout(connect);
      }
      return b.maxConnections(r.maxConnections()).keyPrefix(r.keyPrefix()).build();
    }
  }

  /** Only loaded when JDBC is chosen. */
  static final class Jdbc {
    private Jdbc() {}

    static Backend create(IdempotencyProperties.Jdbc j, DataSource dataSource) {
      // The builder unwraps transaction-aware proxies: the backend's own statements run on
      // connections of the pool, never on the one bound to a caller's transaction.
      return dev.idempotency.jdbc.JdbcBackend.builder(dataSource).tablePrefix(j.tablePrefix())
          .createTablesIfMissing(j.createTables()).build();
    }
  }

  @SafeVarargs
  private static <T> T first(T... values) {
    for (T v : values) {
      if (v != null) {
        return v;
      }
    }
    return null;
  }
}
