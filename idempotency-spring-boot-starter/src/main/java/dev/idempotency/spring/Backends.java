package dev.idempotency.spring;

import dev.idempotency.InvalidInputException;
import dev.idempotency.StoreUnavailableException;
import dev.idempotency.memory.InMemoryBackend;
import dev.idempotency.spi.Backend;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.boot.ssl.SslBundles;
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
  static final String HAZELCAST_STORE = "dev.idempotency.hazelcast.HazelcastRecordStore";

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

  static Built create(IdempotencyProperties p, Environment env, DataSource dataSource, SslBundles bundles,
      BeanFactory beans) {
    IdempotencyProperties.BackendType type = choose(p, env, dataSource != null);
    ClassLoader cl = Backends.class.getClassLoader();
    Built built;
    switch (type) {
      case REDIS -> {
        require(ClassUtils.isPresent(REDIS_BACKEND, cl), "redis", "dev.idempotency:idempotency-redis");
        try {
          built = new Built(Redis.create(p.redis(), env, bundles), null);
        } catch (StoreUnavailableException e) {
          // Behind Sentinel, the backend asks the Sentinels for the primary as it is built.
          throw new StoreUnreachableAtStartupException(e.store(), List.of(p.redis().sentinel().master() != null
              ? "idempotency.redis.sentinel.nodes" : "spring.data.redis.sentinel.nodes"), e.getCause());
        }
      }
      case JDBC -> {
        require(ClassUtils.isPresent(JDBC_BACKEND, cl), "jdbc", "dev.idempotency:idempotency-jdbc");
        if (dataSource == null) {
          throw new InvalidInputException("idempotency.backend",
              "is jdbc but the application has no single DataSource bean; configure spring.datasource.*");
        }
        try {
          built = new Built(Jdbc.create(p.jdbc(), dataSource), dataSource);
        } catch (StoreUnavailableException e) {
          // The JDBC backend reads the database's dialect (and creates its tables) as it is built.
          throw new StoreUnreachableAtStartupException(e.store(), List.of("spring.datasource.url"), e);
        }
      }
      case HAZELCAST -> {
        require(ClassUtils.isPresent(HAZELCAST_STORE, cl), "hazelcast", "dev.idempotency:idempotency-hazelcast");
        built = new Built(Hazelcast.create(p.hazelcast(), beans), null);
      }
      default -> built = new Built(memory(p.memory()), null);
    }
    LOG.info("Idempotency backend: {} ({})", built.backend().name(), type.name().toLowerCase(java.util.Locale.ROOT));
    return built;
  }

  /**
   * Reads one key nobody writes, as the health indicator does; closes the backend and fails,
   * naming the properties that chose it, when the store does not answer.
   */
  static void check(Backend backend, IdempotencyProperties p, Environment env) {
    try {
      backend.idempotencyStore().find("startup:probe");
    } catch (RuntimeException e) {
      List<String> properties = addressProperties(backend, p, env);
      try {
        backend.close();
      } catch (RuntimeException closing) {
        e.addSuppressed(closing);
      }
      // The store's own exception already names the store: the analysis shows what the driver said.
      Throwable cause = e instanceof StoreUnavailableException && e.getCause() != null ? e.getCause() : e;
      throw new StoreUnreachableAtStartupException(backend.name(), properties, cause);
    }
  }

  /** The properties that say where a backend's store is, those set first. */
  static List<String> addressProperties(Backend backend, IdempotencyProperties p, Environment env) {
    if (backend.getClass().getName().equals(JDBC_BACKEND)) {
      return List.of("spring.datasource.url");
    }
    if (p.backend() == IdempotencyProperties.BackendType.HAZELCAST) {
      return List.of("spring.hazelcast.config (or the application's HazelcastInstance bean)");
    }
    List<String> named = new java.util.ArrayList<>();
    for (String name : List.of("idempotency.redis.url", "idempotency.redis.host", "idempotency.redis.port",
        "idempotency.redis.cluster-nodes", "idempotency.redis.sentinel.nodes", "spring.data.redis.url",
        "spring.data.redis.host", "spring.data.redis.port", "spring.data.redis.cluster.nodes",
        "spring.data.redis.sentinel.nodes")) {
      if (env.containsProperty(name) || env.containsProperty(name + "[0]")) {
        named.add(name);
      }
    }
    return named.isEmpty() ? List.of("spring.data.redis.url (or host and port; localhost:6379 if unset)") : named;
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

  /** Whether any {@code spring.data.redis.*} property is set, in any source and any spelling. */
  static boolean springRedisConfigured(Environment env) {
    ConfigurationPropertyName redis = ConfigurationPropertyName.of("spring.data.redis");
    for (ConfigurationPropertySource source : ConfigurationPropertySources.get(env)) {
      if (source.containsDescendantOf(redis) == ConfigurationPropertyState.PRESENT) {
        return true;
      }
    }
    return false;
  }

  /** Only loaded when Redis is chosen. */
  static final class Redis {
    private Redis() {}

    static Backend create(IdempotencyProperties.Redis r, Environment env, SslBundles bundles) {
      Binder binder = Binder.get(env);
      dev.idempotency.redis.RedisBackend.Builder b = dev.idempotency.redis.RedisBackend.builder();
      List<String> nodes = r.clusterNodes() != null && !r.clusterNodes().isEmpty() ? r.clusterNodes()
          : binder.bind("spring.data.redis.cluster.nodes", Bindable.listOf(String.class)).orElse(List.of());
      endpoint(b, r, env, binder, nodes);
      credentials(b, r, env);
      tls(b, r, env, bundles);
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
      if (r.replicas() > 0) {
        IdempotencyProperties.property("idempotency.redis.replicas", () -> b.replicas(r.replicas(), r.replicaTimeout()));
      }
      return b.maxConnections(r.maxConnections()).keyPrefix(r.keyPrefix()).build();
    }

    /** Where Redis is: cluster nodes, a Sentinel master, a URL, or host and port, in that order. */
    private static void endpoint(dev.idempotency.redis.RedisBackend.Builder b, IdempotencyProperties.Redis r,
        Environment env, Binder binder, List<String> nodes) {
      String url = first(r.url(), env.getProperty("spring.data.redis.url"));
      boolean ownSentinel = r.sentinel().master() != null;
      String master = ownSentinel ? r.sentinel().master() : env.getProperty("spring.data.redis.sentinel.master");
      if (!nodes.isEmpty()) {
        b.cluster(nodes);
      } else if (master != null) {
        String prefix = ownSentinel ? "idempotency.redis.sentinel." : "spring.data.redis.sentinel.";
        List<String> sentinels = ownSentinel ? r.sentinel().nodes()
            : binder.bind("spring.data.redis.sentinel.nodes", Bindable.listOf(String.class)).orElse(List.of());
        IdempotencyProperties.property(prefix + "nodes", () -> b.sentinel(master, sentinels));
        String sentinelUser = ownSentinel ? r.sentinel().username() : env.getProperty(prefix + "username");
        String sentinelPassword = ownSentinel ? r.sentinel().password() : env.getProperty(prefix + "password");
        if (sentinelPassword != null) {
          IdempotencyProperties.property(prefix + "username", () -> b.sentinelCredentials(sentinelUser, sentinelPassword));
        }
      } else if (url != null) {
        b.uri(url);
      } else {
        String host = first(r.host(), env.getProperty("spring.data.redis.host"), "localhost");
        Integer port = r.port() != null ? r.port() : env.getProperty("spring.data.redis.port", Integer.class, 6379);
        b.hostAndPort(host, port);
      }
    }

    private static void credentials(dev.idempotency.redis.RedisBackend.Builder b, IdempotencyProperties.Redis r,
        Environment env) {
      String user = first(r.username(), env.getProperty("spring.data.redis.username"));
      if (user != null) {
        b.user(user);
      }
      String password = first(r.password(), env.getProperty("spring.data.redis.password"));
      if (password != null) {
        b.password(password);
      }
    }

    /** TLS from an SSL bundle, or the JVM's trust store when only enabled. */
    private static void tls(dev.idempotency.redis.RedisBackend.Builder b, IdempotencyProperties.Redis r,
        Environment env, SslBundles bundles) {
      String bundle = first(r.sslBundle(), env.getProperty("spring.data.redis.ssl.bundle"));
      Boolean ssl = r.ssl() != null ? r.ssl() : env.getProperty("spring.data.redis.ssl.enabled", Boolean.class);
      if (bundle != null && (ssl == null || ssl)) {
        String property = r.sslBundle() != null ? "idempotency.redis.ssl-bundle" : "spring.data.redis.ssl.bundle";
        if (bundles == null) {
          throw new InvalidInputException(property,
              "names SSL bundle '" + bundle + "' but the application has no SslBundles (spring.ssl.bundle.*)");
        }
        b.tls(IdempotencyProperties.property(property, () -> sslContext(bundles, bundle)));
      } else if (ssl != null && ssl) {
        b.tls(true);
      }
    }

    private static javax.net.ssl.SSLContext sslContext(SslBundles bundles, String name) {
      try {
        return bundles.getBundle(name).createSslContext();
      } catch (RuntimeException e) {
        throw new InvalidInputException("bundle", "cannot make a TLS context of SSL bundle '" + name + "': " + e.getMessage());
      }
    }
  }

  /** Only loaded when JDBC is chosen. */
  static final class Jdbc {
    private Jdbc() {}

    static Backend create(IdempotencyProperties.Jdbc j, DataSource dataSource) {
      // The builder unwraps transaction-aware proxies: the backend's own statements run on
      // connections of the pool, never on the one bound to a caller's transaction.
      dev.idempotency.jdbc.JdbcBackend.Builder b = dev.idempotency.jdbc.JdbcBackend.builder(dataSource);
      IdempotencyProperties.property("idempotency.jdbc.table-prefix", () -> b.tablePrefix(j.tablePrefix()));
      return b.createTablesIfMissing(j.createTables()).build();
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

  /** The Hazelcast backend; loaded only when chosen. */
  private static final class Hazelcast {
    static Backend create(IdempotencyProperties.Hazelcast h, BeanFactory beans) {
      com.hazelcast.core.HazelcastInstance instance =
          beans.getBeanProvider(com.hazelcast.core.HazelcastInstance.class).getIfUnique();
      if (instance == null) {
        throw new InvalidInputException("idempotency.backend", "is hazelcast but the application has no single"
            + " HazelcastInstance bean; add org.springframework.boot:spring-boot-hazelcast with a hazelcast.yaml"
            + " (or spring.hazelcast.config), or declare a HazelcastInstance bean");
      }
      return dev.idempotency.spi.RecordBackend.of(dev.idempotency.hazelcast.HazelcastRecordStore.on(instance, h.map()));
    }
  }
}
