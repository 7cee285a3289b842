package dev.idempotency.spring;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code idempotency.*} properties. Immutable; bound once at start-up, and checked there: a bad
 * value fails the start with the property's name (the library's {@link dev.idempotency.InvalidInputException}).
 *
 * @param backend which backend stores keys: {@code auto} (Redis if {@code idempotency.redis.*} or
 *     {@code spring.data.redis.*} is set, else JDBC on the application's {@code DataSource} if there
 *     is one, else memory), {@code memory}, {@code redis} or {@code jdbc}
 * @param lease how long a first call holds its key before a duplicate may take over
 * @param retention how long a completed result is replayed
 * @param inProgress what a duplicate does while the first call runs: {@code reject} (409-like at
 *     once) or {@code await} (waits up to {@code max-wait} for the result)
 * @param maxWait the longest wait of {@code await}
 * @param memory the in-memory backend
 * @param redis the Redis backend
 * @param jdbc the JDBC backend
 * @param web the HTTP {@code Idempotency-Key} support
 */
@ConfigurationProperties("idempotency")
public record IdempotencyProperties(
    @DefaultValue("auto") BackendType backend,
    @DefaultValue("30s") Duration lease,
    @DefaultValue("24h") Duration retention,
    @DefaultValue("reject") InProgressMode inProgress,
    @DefaultValue("5s") Duration maxWait,
    @DefaultValue Memory memory,
    @DefaultValue Redis redis,
    @DefaultValue Jdbc jdbc,
    @DefaultValue Web web) {

  /** The backends. */
  public enum BackendType {
    /** The best one the application has. */
    AUTO,
    /** In this JVM (Caffeine): one instance only. */
    MEMORY,
    /** Redis, standalone or Cluster, through Jedis. */
    REDIS,
    /** The application's {@code DataSource}. */
    JDBC
  }

  /** What a duplicate does while the first call runs. */
  public enum InProgressMode {
    /** Refused at once ({@link dev.idempotency.RequestInProgressException}, 409). */
    REJECT,
    /** Waits for the first call's result, up to {@code max-wait}. */
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
   * The Redis backend. Unset values come from Spring's {@code spring.data.redis.*} (url, host,
   * port, username, password, database, ssl.enabled, timeout, connect-timeout, cluster.nodes).
   *
   * @param url a {@code redis://} or {@code rediss://} URI
   * @param host the host
   * @param port the port
   * @param username the ACL user
   * @param password the password
   * @param database the database number (standalone only)
   * @param ssl whether to use TLS
   * @param clusterNodes {@code host:port} seeds of a Redis Cluster
   * @param timeout the socket timeout
   * @param connectTimeout the connect timeout
   * @param maxConnections the pool's size
   * @param keyPrefix the prefix of every key the library writes
   */
  public record Redis(String url, String host, Integer port, String username, String password, Integer database,
      Boolean ssl, List<String> clusterNodes, Duration timeout, Duration connectTimeout,
      @DefaultValue("64") int maxConnections, @DefaultValue("idem") String keyPrefix) {
    /**
     * Whether any connection property is set here.
     *
     * @return true if one is
     */
    public boolean configured() {
      return url != null || host != null || port != null || (clusterNodes != null && !clusterNodes.isEmpty());
    }
  }

  /**
   * The JDBC backend, on the application's {@code DataSource}.
   *
   * @param tablePrefix the prefix of the library's tables
   * @param createTables whether to create missing tables at start-up
   * @param joinTransactions whether an {@code @Idempotent} method called inside a Spring
   *     transaction on the same {@code DataSource} stores its claim and result in that transaction
   */
  public record Jdbc(@DefaultValue("idem_") String tablePrefix, @DefaultValue("true") boolean createTables,
      @DefaultValue("true") boolean joinTransactions) { }

  /**
   * The HTTP {@code Idempotency-Key} support of routes annotated with
   * {@link dev.idempotency.spring.web.IdempotentRequest}.
   *
   * @param enabled whether the filter is registered
   * @param header the request header carrying the key
   * @param replayedHeader the response header set on a replay
   * @param storedHeaders response headers stored and replayed besides {@code Content-Type}
   * @param maxBodyBytes the largest request body read for the fingerprint, and the largest
   *     response stored; a larger one is refused with 413, or not stored
   * @param storeFailure what a request does when the store cannot be reached before its route ran:
   *     {@code reject} (503, nothing runs) or {@code proceed} (the route runs without this layer; for
   *     applications whose own later layers stop duplicates)
   */
  public record Web(@DefaultValue("true") boolean enabled, @DefaultValue("Idempotency-Key") String header,
      @DefaultValue("Idempotent-Replayed") String replayedHeader,
      @DefaultValue({"Location", "Content-Language"}) List<String> storedHeaders,
      @DefaultValue("1048576") int maxBodyBytes, @DefaultValue("reject") StoreFailure storeFailure) { }

  /** What an {@code Idempotency-Key} request does when the store is down before its route ran. */
  public enum StoreFailure {
    /** 503 with a problem body; the route does not run. */
    REJECT,
    /** The route runs without the key's guarantee (logged). */
    PROCEED
  }
}
