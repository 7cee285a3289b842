package dev.idempotency.redis;

import dev.idempotency.StoreUnavailableException;
import dev.idempotency.spi.Backend;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.LockStore;
import dev.idempotency.spi.MarkStore;
import dev.idempotency.spi.RateLimitStore;
import dev.idempotency.spi.StateStore;
import dev.idempotency.spi.StockStore;
import dev.idempotency.spi.support.Require;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.UnifiedJedis;

// Size: about two thirds is the Builder, each option documented and validated where it is set; the
// stores, scripts and connection handling live in their own classes.
/**
 * Every store of the contract on Redis, standalone, behind Sentinel or Redis Cluster, through Jedis'
 * {@link UnifiedJedis} (a pooled {@link RedisClient}, a {@link RedisSentinelClient} or a
 * {@link RedisClusterClient}; the same code serves all three).
 *
 * <p>Every store is a native fast path (a Lua script or a single command per operation) in place of
 * the stores {@link dev.idempotency.spi.RecordBackend} derives from the record-store primitive; each
 * passes the same contract suites.
 *
 * <pre>{@code
 * try (RedisBackend redis = RedisBackend.builder().uri("redis://127.0.0.1:6379").build()) {
 *   IdempotencyEngine engine = IdempotencyEngine.builder(redis.idempotencyStore()).build();
 * }
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>One round trip per operation: claim, complete, release, replay, token issue and consume,
 *       lock acquire, release and extend, dedup mark, state create and transition, stock declare,
 *       reserve, release and confirm, rate-limit decision. Multi-step logic
 *       is a Lua script run by EVALSHA, re-sent with EVAL after NOSCRIPT.</li>
 *   <li>Every key carries the configured prefix and one hash tag per operation
 *       ({@code prefix:type:{storageKey}}), and every script touches one key: never CROSSSLOT.</li>
 *   <li>Expiry is Redis's own (PEXPIRE); fencing tokens come from the server's clock. Application
 *       clock skew cannot let two owners in.</li>
 *   <li>Every key written has a TTL: records their lease or retention, tokens and dedup marks
 *       theirs, locks their lease, state-machine entities {@link Builder#stateTtl} (refreshed on
 *       every write).</li>
 *   <li>Connection refused, timeouts and cluster-down become {@link StoreUnavailableException}
 *       naming the endpoint; the pool reconnects by itself once Redis is back.</li>
 *   <li>With {@link Builder#replicas(int, Duration)}, every write (claim, completion, release, token,
 *       dedup mark, lock, state, stock and rate-limit operations) is acknowledged by that many
 *       replicas ({@code WAIT}) before it is reported done; fewer in time is
 *       {@link StoreUnavailableException}, and a claim or mark made on the primary alone is undone,
 *       so the action does not run. What this does and does not guarantee through a failover is in
 *       {@code docs/contract.md} (section 10b).</li>
 *   <li>Passwords never appear in {@link #toString()}, logs or exception messages.</li>
 * </ul>
 * Thread-safe. {@link #close()} closes the client if this backend created it.
 */
public final class RedisBackend implements Backend {
  private final RedisExecutor redis;
  private final RedisSteps steps;
  private final boolean ownsClient;
  private final RedisKeys keys;
  private final Duration stateTtl;

  private RedisBackend(UnifiedJedis jedis, boolean ownsClient, String name, String prefix, Duration stateTtl,
      RedisExecutor.Replication replication) {
    this.redis = new RedisExecutor(jedis, name, replication, prefix);
    this.steps = new RedisSteps(redis, isCluster(jedis));
    this.ownsClient = ownsClient;
    this.keys = new RedisKeys(prefix);
    this.stateTtl = stateTtl;
  }

  /** Whether a script's keys must share a slot: a cluster client, the current one or its deprecated forerunner. */
  @SuppressWarnings("deprecation") // a JedisCluster handed to wrap() is a cluster client too
  private static boolean isCluster(UnifiedJedis jedis) {
    return jedis instanceof RedisClusterClient || jedis instanceof redis.clients.jedis.JedisCluster;
  }

  /**
   * Starts configuring a backend that creates and owns its client.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A backend on a client the caller created and closes (a {@link RedisClient}, a
   * {@link RedisClusterClient}, or any {@link UnifiedJedis}).
   *
   * @param jedis the client
   * @param name how messages name it, for example {@code "redis 10.0.0.5:6379"}; no credentials
   * @param keyPrefix the key prefix, an identifier such as {@code "idem"}
   * @return the backend; closing it leaves the client open
   */
  public static RedisBackend wrap(UnifiedJedis jedis, String name, String keyPrefix) {
    Require.nonNull(jedis, "jedis");
    Require.keyText(name, "name", 256);
    Require.identifier(keyPrefix, "keyPrefix", 32);
    return new RedisBackend(jedis, false, name, keyPrefix, Builder.DEFAULT_STATE_TTL, RedisExecutor.Replication.NONE);
  }

  @Override
  public IdempotencyStore idempotencyStore() {
    return new RedisIdempotencyStore(redis, keys, steps);
  }

  @Override
  public MarkStore tokenStore() {
    return new RedisMarkStore(redis, keys, RedisKeys.Type.TOKEN, steps);
  }

  @Override
  public LockStore lockStore() {
    return new RedisLockStore(redis, keys, steps);
  }

  @Override
  public MarkStore dedupStore() {
    return new RedisMarkStore(redis, keys, RedisKeys.Type.DEDUP, steps);
  }

  /**
   * {@inheritDoc} Entities live for {@link Builder#stateTtl} after their last write.
   */
  @Override
  public StateStore stateStore(String entityType) {
    return new RedisStateStore(redis, keys, Require.identifier(entityType, "entityType", 64), stateTtl);
  }

  /**
   * {@inheritDoc} One hash per item ({@code prefix:stock:{item}}), so each operation is one script
   * on one key, atomic on Redis Cluster too; items live for {@link Builder#stateTtl} after their
   * last write.
   */
  @Override
  public StockStore stockStore() {
    return new RedisStockStore(redis, keys, stateTtl);
  }

  /**
   * {@inheritDoc} One script per decision on the server's clock ({@code TIME}); a key's hash expires
   * once its longest tier no longer matters.
   */
  @Override
  public RateLimitStore rateLimitStore() {
    return new RedisRateLimitStore(redis, keys, steps);
  }

  /**
   * {@inheritDoc}
   *
   * @return for example {@code "redis 127.0.0.1:6379"}
   */
  @Override
  public String name() {
    return redis.name();
  }

  /** The key layout, for tests that inspect or tamper with what is stored. */
  RedisKeys keys() {
    return keys;
  }

  @Override
  public void close() {
    if (ownsClient) {
      redis.jedis().close();
    }
  }

  @Override
  public String toString() {
    return "RedisBackend[" + redis.name() + ", prefix=" + keys.prefix() + "]";
  }

  /**
   * Configures a {@link RedisBackend}; not thread-safe. Settings are validated as they are set.
   * Defaults: 127.0.0.1:6379, no TLS, database 0, 2 s connect and socket timeouts, 16 pooled
   * connections, key prefix {@code "idem"}, state TTL 30 days, no replica acknowledgement.
   */
  public static final class Builder {
    static final Duration DEFAULT_STATE_TTL = Duration.ofDays(30);

    private String host = "127.0.0.1";
    private int port = 6379;
    private final List<HostAndPort> clusterNodes = new ArrayList<>();
    private String sentinelMaster;
    private final List<HostAndPort> sentinelNodes = new ArrayList<>();
    private String sentinelUser;
    private String sentinelPassword;
    private RedisExecutor.Replication replication = RedisExecutor.Replication.NONE;
    private String user;
    private String password;
    private boolean tls;
    private SslOptions sslOptions;
    private SSLContext sslContext;
    private int database;
    private Duration connectTimeout = Duration.ofSeconds(2);
    private Duration socketTimeout = Duration.ofSeconds(2);
    private int maxConnections = 16;
    private String keyPrefix = "idem";
    private Duration stateTtl = DEFAULT_STATE_TTL;

    private Builder() {}

    /**
     * Reads host, port, user, password, TLS and database from a URI:
     * {@code redis[s]://[user[:password]@]host[:port][/database]}.
     *
     * @param uri the URI
     * @return this builder
     */
    public Builder uri(String uri) {
      RedisEndpoint.Uri u = RedisEndpoint.parseUri(uri);
      this.host = u.host();
      this.port = u.port();
      this.tls = u.tls();
      this.sslOptions = null;
      this.sslContext = null;
      if (u.user() != null) {
        this.user = u.user();
      }
      if (u.password() != null) {
        this.password = u.password();
      }
      if (u.database() != null) {
        database(u.database());
      }
      return this;
    }

    /**
     * Connects to one standalone server.
     *
     * @param host the host
     * @param port the port
     * @return this builder
     */
    public Builder hostAndPort(String host, int port) {
      this.host = Require.keyText(host, "host", 255);
      Require.argument(port > 0 && port < 65536, "port", "must be 1 to 65535, was " + port);
      this.port = port;
      return this;
    }

    /**
     * Connects to a Redis Cluster through these seed nodes ({@code host:port} each).
     *
     * @param nodes at least one seed node
     * @return this builder
     */
    public Builder cluster(List<String> nodes) {
      List<HostAndPort> parsed = RedisEndpoint.parseNodes(nodes, "cluster");
      clusterNodes.clear();
      clusterNodes.addAll(parsed);
      sentinelNodes.clear();
      sentinelMaster = null;
      return this;
    }

    /**
     * Connects to the primary that Redis Sentinel names for a master, following it through a
     * failover (Jedis listens for Sentinel's {@code +switch-master}). Calls in flight during a
     * failover are {@link StoreUnavailableException}; pair it with {@link #replicas(int, Duration)}
     * so that what a failover promotes holds every acknowledged write.
     *
     * @param masterName the master's name in Sentinel's configuration
     * @param nodes at least one Sentinel ({@code host:port} each)
     * @return this builder
     */
    public Builder sentinel(String masterName, List<String> nodes) {
      List<HostAndPort> parsed = RedisEndpoint.parseNodes(nodes, "sentinel");
      this.sentinelMaster = Require.keyText(masterName, "masterName", 256);
      sentinelNodes.clear();
      sentinelNodes.addAll(parsed);
      clusterNodes.clear();
      return this;
    }

    /**
     * Sets the credentials of the Sentinels themselves (the primary's are {@link #user} and
     * {@link #password}). Never logged, printed or put in a message.
     *
     * @param user the ACL user, or null for the default user
     * @param password the password
     * @return this builder
     */
    public Builder sentinelCredentials(String user, String password) {
      this.sentinelUser = user == null ? null : Require.keyText(user, "sentinelUser", 256);
      this.sentinelPassword = Require.nonNull(password, "sentinelPassword");
      return this;
    }

    /**
     * Asks that many replicas to acknowledge every write before it is reported done: Redis's
     * {@code WAIT replicas timeout}, sent in the same round trip after the write on the same
     * connection. A write fewer replicas acknowledged in time is {@link StoreUnavailableException};
     * a claim (or a token or dedup mark) made on the primary alone is undone first, so the action
     * does not run and a retry can claim again. With {@code replicas} at least one and Sentinel
     * promoting only a replica that acknowledged, a failover loses no acknowledged claim or result;
     * {@code WAIT} is not consensus, so a failover that promotes a replica that missed the write
     * still can (see {@code docs/contract.md}, section 10b). Standalone and Sentinel only.
     *
     * @param replicas 0 (the default: the primary's write alone) to 16
     * @param timeout how long to wait for them; positive, at most {@link dev.idempotency.Limits#MAX_WAIT}
     * @return this builder
     */
    public Builder replicas(int replicas, Duration timeout) {
      Require.argument(replicas >= 0 && replicas <= 16, "replicas", "must be 0 to 16, was " + replicas);
      Require.positive(Require.waitTime(timeout, "replicaTimeout"), "replicaTimeout");
      this.replication = replicas == 0 ? RedisExecutor.Replication.NONE
          : new RedisExecutor.Replication(replicas, timeout);
      return this;
    }

    /**
     * Sets the ACL user.
     *
     * @param user the user
     * @return this builder
     */
    public Builder user(String user) {
      this.user = Require.keyText(user, "user", 256);
      return this;
    }

    /**
     * Sets the password. It is never logged, printed or put in a message.
     *
     * @param password the password
     * @return this builder
     */
    public Builder password(String password) {
      this.password = Require.nonNull(password, "password");
      return this;
    }

    /**
     * Turns TLS on or off. On, it trusts the JVM's default trust store and verifies the server's
     * host name.
     *
     * @param tls whether to use TLS
     * @return this builder
     */
    public Builder tls(boolean tls) {
      this.tls = tls;
      this.sslOptions = null;
      this.sslContext = null;
      return this;
    }

    /**
     * Turns TLS on with explicit trust and key material (a pinned CA, mutual TLS).
     *
     * @param options Jedis' TLS options
     * @return this builder
     */
    public Builder tls(SslOptions options) {
      this.sslOptions = Require.nonNull(options, "sslOptions");
      this.sslContext = null;
      this.tls = true;
      return this;
    }

    /**
     * Turns TLS on with an {@link SSLContext} of the application's (for example a Spring Boot SSL
     * bundle's): the context's trust and key material, and the server's host name verified in the
     * handshake.
     *
     * @param context the initialised context
     * @return this builder
     */
    public Builder tls(SSLContext context) {
      this.sslContext = Require.nonNull(context, "sslContext");
      this.sslOptions = null;
      this.tls = true;
      return this;
    }

    /**
     * Selects a database (standalone only).
     *
     * @param database 0 to 15 on a default server
     * @return this builder
     */
    public Builder database(int database) {
      Require.argument(database >= 0, "database", "must not be negative, was " + database);
      this.database = database;
      return this;
    }

    /**
     * Sets the connect timeout.
     *
     * @param timeout positive, at most {@link dev.idempotency.Limits#MAX_WAIT}
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = Require.positive(Require.waitTime(timeout, "connectTimeout"), "connectTimeout");
      return this;
    }

    /**
     * Sets the socket (read) timeout; a paused server fails calls after it.
     *
     * @param timeout positive, at most {@link dev.idempotency.Limits#MAX_WAIT}
     * @return this builder
     */
    public Builder socketTimeout(Duration timeout) {
      this.socketTimeout = Require.positive(Require.waitTime(timeout, "socketTimeout"), "socketTimeout");
      return this;
    }

    /**
     * Sets the size of the connection pool (per node on a cluster).
     *
     * @param max positive
     * @return this builder
     */
    public Builder maxConnections(int max) {
      Require.argument(max > 0, "maxConnections", "must be positive, was " + max);
      this.maxConnections = max;
      return this;
    }

    /**
     * Sets the prefix of every key this backend writes.
     *
     * @param prefix 1 to 32 characters of {@code [A-Za-z0-9_.-]}
     * @return this builder
     */
    public Builder keyPrefix(String prefix) {
      this.keyPrefix = Require.identifier(prefix, "keyPrefix", 32);
      return this;
    }

    /**
     * Sets how long state-machine entities and stock items live after their last write.
     *
     * @param ttl positive, at most {@link dev.idempotency.Limits#MAX_STORED_DURATION}
     * @return this builder
     */
    public Builder stateTtl(Duration ttl) {
      this.stateTtl = Require.storedDuration(ttl, "stateTtl");
      return this;
    }

    /**
     * Creates the client and the backend. Connections are opened lazily, so a server that is down
     * now is reported by the first call, not here; behind Sentinel, the Sentinels are asked for the
     * primary now.
     *
     * @return the backend
     * @throws StoreUnavailableException if no Sentinel answers with the master's address
     */
    public RedisBackend build() {
      Require.argument(clusterNodes.isEmpty() || database == 0, "database", "Redis Cluster has only database 0");
      Require.argument(clusterNodes.isEmpty() || replication.replicas() == 0, "replicas",
          "replica acknowledgement is supported on a standalone server and behind Sentinel, not on Redis Cluster");
      RedisEndpoint.Client client = RedisEndpoint.connect(new RedisEndpoint.Settings(host, port,
          List.copyOf(clusterNodes), sentinelMaster, List.copyOf(sentinelNodes), sentinelUser, sentinelPassword, user,
          password, tls, sslOptions, sslContext, database, connectTimeout, socketTimeout, maxConnections));
      return new RedisBackend(client.jedis(), true, client.name(), keyPrefix, stateTtl, replication);
    }

    @Override
    public String toString() {
      return "RedisBackend.Builder[" + (!clusterNodes.isEmpty() ? clusterNodes
          : sentinelMaster != null ? sentinelMaster + "@" + sentinelNodes : host + ":" + port)
          + ", user=" + user + ", password=" + (password == null ? "none" : "***") + ", tls=" + tls + "]";
    }
  }
}
