package dev.idempotency.spring;

import dev.idempotency.CallOptions;
import dev.idempotency.InProgressPolicy;
import dev.idempotency.InvalidInputException;
import dev.idempotency.spi.support.Require;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code idempotency.*} properties. Immutable; bound once at start-up and checked there: a bad
 * value fails the start with an {@link InvalidInputException} that names the property (Spring Boot
 * prints it as the reason binding failed). Descriptions are plain text, as IDEs show them.
 *
 * @param backend which backend stores keys: auto (Redis if any idempotency.redis.* or
 *     spring.data.redis.* property is set, else JDBC on the application's DataSource if there is
 *     one, else memory), memory, redis, jdbc or hazelcast (on the application's HazelcastInstance,
 *     Spring Boot's own when it makes one; never chosen by auto)
 * @param lease how long a first call holds its key before a duplicate may take over
 * @param retention how long a completed result is replayed
 * @param inProgress what a duplicate does while the first call runs: reject (409 at once) or await
 *     (waits up to max-wait for the result)
 * @param maxWait the longest wait of await
 * @param completeAfterCommit whether a call inside a Spring transaction that the backend does not
 *     join (Redis, memory, or JDBC on another DataSource) stores its result only after the
 *     transaction commits, and releases its key when it rolls back
 * @param startupCheck whether the start-up reads the store once and fails, naming the property and
 *     the address, when it cannot be reached
 * @param memory the in-memory backend
 * @param redis the Redis backend
 * @param jdbc the JDBC backend
 * @param hazelcast the Hazelcast backend
 * @param web the HTTP Idempotency-Key support and the problem details of the library's errors
 */
@ConfigurationProperties("idempotency")
public record IdempotencyProperties(
    @DefaultValue("auto") BackendType backend,
    @DefaultValue("30s") Duration lease,
    @DefaultValue("24h") Duration retention,
    @DefaultValue("reject") InProgressMode inProgress,
    @DefaultValue("5s") Duration maxWait,
    @DefaultValue("true") boolean completeAfterCommit,
    @DefaultValue("true") boolean startupCheck,
    @DefaultValue Memory memory,
    @DefaultValue Redis redis,
    @DefaultValue Jdbc jdbc,
    @DefaultValue Hazelcast hazelcast,
    @DefaultValue Web web) {

  /**
   * Checks each value as it is bound, with the library's own rules.
   *
   * @param backend see above
   * @param lease see above
   * @param retention see above
   * @param inProgress see above
   * @param maxWait see above
   * @param completeAfterCommit see above
   * @param startupCheck see above
   * @param memory see above
   * @param redis see above
   * @param jdbc see above
   * @param hazelcast see above
   * @param web see above
   * @throws InvalidInputException naming the first property whose value is refused
   */
  public IdempotencyProperties {
    CallOptions.Builder options = CallOptions.builder();
    property("idempotency.lease", () -> options.lease(lease));
    property("idempotency.retention", () -> options.retention(retention));
    property("idempotency.max-wait", () -> InProgressPolicy.await(maxWait));
    property("idempotency.backend", () -> Require.nonNull(backend, "backend"));
    property("idempotency.in-progress", () -> Require.nonNull(inProgress, "inProgress"));
    require(memory.maximumEntities() == null || memory.maximumEntities() > 0, "idempotency.memory.maximum-entities",
        "must be positive, was " + memory.maximumEntities());
    require(memory.maximumWeightBytes() == null || memory.maximumWeightBytes() > 0,
        "idempotency.memory.maximum-weight-bytes", "must be positive, was " + memory.maximumWeightBytes());
    require(redis.port() == null || (redis.port() > 0 && redis.port() < 65536), "idempotency.redis.port",
        "must be 1 to 65535, was " + redis.port());
    require(redis.maxConnections() > 0, "idempotency.redis.max-connections",
        "must be positive, was " + redis.maxConnections());
    property("idempotency.redis.key-prefix", () -> Require.identifier(redis.keyPrefix(), "keyPrefix", 32));
    require(redis.replicas() >= 0 && redis.replicas() <= 16, "idempotency.redis.replicas",
        "must be 0 to 16, was " + redis.replicas());
    property("idempotency.redis.replica-timeout",
        () -> Require.positive(Require.waitTime(redis.replicaTimeout(), "replicaTimeout"), "replicaTimeout"));
    require(redis.sentinel().master() == null || (redis.sentinel().nodes() != null && !redis.sentinel().nodes().isEmpty()),
        "idempotency.redis.sentinel.nodes", "must name at least one Sentinel when idempotency.redis.sentinel.master is set");
    property("idempotency.redis.timeout", () -> redis.timeout() == null ? null
        : Require.positive(Require.waitTime(redis.timeout(), "timeout"), "timeout"));
    property("idempotency.redis.connect-timeout", () -> redis.connectTimeout() == null ? null
        : Require.positive(Require.waitTime(redis.connectTimeout(), "connectTimeout"), "connectTimeout"));
    property("idempotency.hazelcast.map", () -> Require.identifier(hazelcast.map(), "map", 128));
    property("idempotency.web.header", () -> Require.keyText(web.header(), "header", 100));
    property("idempotency.web.replayed-header",
        () -> Require.keyText(web.replayedHeader(), "replayedHeader", 100));
    require(web.maxBodyBytes() > 0, "idempotency.web.max-body-bytes", "must be positive, was " + web.maxBodyBytes());
  }

  /**
   * Refuses a value.
   *
   * @throws InvalidInputException naming the property, unless the condition holds
   */
  static void require(boolean condition, String name, String reason) {
    if (!condition) {
      throw new InvalidInputException(name, reason);
    }
  }

  /**
   * Runs a check of the library's and names the property in what it throws.
   *
   * @throws InvalidInputException naming the property, if the check fails
   */
  static <T> T property(String name, Supplier<T> check) {
    try {
      return check.get();
    } catch (InvalidInputException e) {
      String message = e.getMessage();
      String reason = message.startsWith(e.field() + ": ") ? message.substring(e.field().length() + 2) : message;
      throw new InvalidInputException(name, reason);
    }
  }

  /** The backends. */
  public enum BackendType {
    /** The best one the application has. */
    AUTO,
    /** In this JVM (Caffeine): one instance only. */
    MEMORY,
    /** Redis, standalone, behind Sentinel or Cluster, through Jedis. */
    REDIS,
    /** The application's DataSource. */
    JDBC,
    /** The application's HazelcastInstance (member or client): its map of records. */
    HAZELCAST
  }

  /** What a duplicate does while the first call runs. */
  public enum InProgressMode {
    /** Refused at once (RequestInProgressException, 409). */
    REJECT,
    /** Waits for the first call's result, up to max-wait. */
    AWAIT
  }

  /**
   * The in-memory backend; unset bounds keep the backend's defaults.
   *
   * @param maximumEntities the most rate-limit and state entries kept
   * @param maximumWeightBytes the most bytes of records, tokens, locks and marks kept (each map)
   */
  public record Memory(Long maximumEntities, Long maximumWeightBytes) { }

  /**
   * The Redis backend. Unset values come from Spring's spring.data.redis.* (url, host, port,
   * username, password, database, ssl.enabled, ssl.bundle, timeout, connect-timeout,
   * cluster.nodes, sentinel.master, sentinel.nodes, sentinel.username, sentinel.password).
   *
   * @param url a redis:// or rediss:// URI
   * @param host the host
   * @param port the port
   * @param username the ACL user
   * @param password the password
   * @param database the database number (standalone only)
   * @param ssl whether to use TLS (trusting the JVM's default trust store)
   * @param sslBundle the name of a Spring Boot SSL bundle (spring.ssl.bundle.*) to connect with over TLS
   * @param clusterNodes host:port seeds of a Redis Cluster
   * @param sentinel the Sentinels that name the primary, instead of a host or a cluster
   * @param replicas how many replicas must acknowledge every write (WAIT) before it counts; 0 (the
   *     default) counts the primary's write alone. Standalone and Sentinel only
   * @param replicaTimeout how long a write waits for the replicas before it is refused as the store
   *     being unavailable
   * @param timeout the socket timeout
   * @param connectTimeout the connect timeout
   * @param maxConnections the pool's size
   * @param keyPrefix the prefix of every key the library writes
   */
  public record Redis(String url, String host, Integer port, String username, String password, Integer database,
      Boolean ssl, String sslBundle, List<String> clusterNodes, @DefaultValue Sentinel sentinel,
      @DefaultValue("0") int replicas, @DefaultValue("1s") Duration replicaTimeout, Duration timeout,
      Duration connectTimeout, @DefaultValue("64") int maxConnections, @DefaultValue("idem") String keyPrefix) {
    /**
     * Whether any connection property is set here.
     *
     * @return true if one is
     */
    public boolean configured() {
      return url != null || host != null || port != null || username != null || password != null
          || database != null || ssl != null || sslBundle != null || (clusterNodes != null && !clusterNodes.isEmpty())
          || sentinel.master() != null || timeout != null || connectTimeout != null;
    }
  }

  /**
   * Redis Sentinel: the library connects to the primary the Sentinels name and follows it through a
   * failover.
   *
   * @param master the master's name in Sentinel's configuration
   * @param nodes host:port of each Sentinel
   * @param username the Sentinels' own ACL user, if they have one
   * @param password the Sentinels' own password, if they have one
   */
  public record Sentinel(String master, List<String> nodes, String username, String password) { }

  /**
   * The JDBC backend, on the application's DataSource.
   *
   * @param tablePrefix the prefix of the library's tables
   * @param createTables whether to create missing tables at start-up
   * @param joinTransactions whether an Idempotent method called inside a Spring transaction on the
   *     same DataSource stores its claim and result in that transaction
   */
  public record Jdbc(@DefaultValue("idem_") String tablePrefix, @DefaultValue("true") boolean createTables,
      @DefaultValue("true") boolean joinTransactions) { }

  /**
   * The Hazelcast backend, on the application's HazelcastInstance.
   *
   * @param map the IMap that holds every record; give it at least one backup (the default) and,
   *     against a split brain, a split-brain protection
   */
  public record Hazelcast(@DefaultValue("idempotency-records") String map) { }

  /**
   * The HTTP Idempotency-Key support of routes annotated with
   * IdempotentRequest, and how MVC answers the library's errors.
   *
   * @param enabled whether the filter is registered
   * @param header the request header carrying the key
   * @param replayedHeader the response header set on a replay
   * @param storedHeaders response headers stored and replayed besides Content-Type
   * @param maxBodyBytes the largest request body read for the fingerprint, and the largest
   *     response stored; a larger one is refused with 413, or not stored
   * @param storeFailure what a request does when the store cannot be reached before its route ran:
   *     reject (503, nothing runs) or proceed (the route runs without this layer; for applications
   *     whose own later layers stop duplicates)
   * @param problemDetails whether the library's exceptions thrown by any MVC handler (an
   *     Idempotent service called by a controller) become application/problem+json with the
   *     exception's status (409 and 503 with Retry-After); the application's own exception
   *     handlers come first
   */
  public record Web(@DefaultValue("true") boolean enabled, @DefaultValue("Idempotency-Key") String header,
      @DefaultValue("Idempotent-Replayed") String replayedHeader,
      @DefaultValue({"Location", "Content-Language"}) List<String> storedHeaders,
      @DefaultValue("1048576") int maxBodyBytes, @DefaultValue("reject") StoreFailure storeFailure,
      @DefaultValue("true") boolean problemDetails) { }

  /** What an Idempotency-Key request does when the store is down before its route ran. */
  public enum StoreFailure {
    /** 503 with a problem body; the route does not run. */
    REJECT,
    /** The route runs without the key's guarantee (logged). */
    PROCEED
  }
}
