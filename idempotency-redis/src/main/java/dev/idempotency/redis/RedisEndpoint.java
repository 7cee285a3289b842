package dev.idempotency.redis;

import dev.idempotency.InvalidInputException;
import dev.idempotency.StoreUnavailableException;
import dev.idempotency.spi.support.Require;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Where a {@link RedisBackend} connects: parsing URIs and cluster seed lists into validated
 * settings, and building the Jedis client with its pool, timeouts, credentials and TLS.
 */
final class RedisEndpoint {
  private RedisEndpoint() {}

  /** What a {@code redis[s]://} URI says; null for what it leaves out. */
  record Uri(String host, int port, boolean tls, String user, String password, Integer database) {}

  /** Everything the client is built from. */
  record Settings(String host, int port, List<HostAndPort> clusterNodes, String sentinelMaster,
      List<HostAndPort> sentinelNodes, String sentinelUser, String sentinelPassword, String user, String password,
      boolean tls, SslOptions sslOptions, SSLContext sslContext, int database, Duration connectTimeout, Duration socketTimeout,
      int maxConnections) {
    @Override
    public String toString() {
      return "Settings[" + (!clusterNodes.isEmpty() ? clusterNodes
          : sentinelMaster != null ? sentinelMaster + "@" + sentinelNodes : host + ":" + port) + ", user=" + user
          + ", password=" + (password == null ? "none" : "***") + ", tls=" + tls + "]";
    }
  }

  /** A client and how messages name its endpoint (without credentials). */
  record Client(UnifiedJedis jedis, String name) {}

  /** Parses {@code redis[s]://[user[:password]@]host[:port][/database]}. */
  static Uri parseUri(String uri) {
    Require.nonNull(uri, "uri");
    URI u;
    try {
      u = new URI(uri);
    } catch (URISyntaxException e) {
      throw new InvalidInputException("uri", "is not a URI (" + e.getReason() + ")");
    }
    if (!"redis".equals(u.getScheme()) && !"rediss".equals(u.getScheme())) {
      throw new InvalidInputException("uri", "must start with redis:// or rediss://");
    }
    Require.argument(u.getHost() != null, "uri", "has no host");
    String user = null;
    String password = null;
    if (u.getRawUserInfo() != null) {
      String info = u.getRawUserInfo();
      int colon = info.indexOf(':');
      String rawUser = colon < 0 ? info : info.substring(0, colon);
      user = rawUser.isEmpty() ? null : URLDecoder.decode(rawUser, StandardCharsets.UTF_8);
      password = colon < 0 ? null : URLDecoder.decode(info.substring(colon + 1), StandardCharsets.UTF_8);
    }
    Integer database = null;
    String path = u.getPath();
    if (path != null && path.length() > 1) {
      try {
        database = Integer.parseInt(path.substring(1));
      } catch (NumberFormatException e) {
        throw new InvalidInputException("uri", "database must be a number");
      }
    }
    return new Uri(u.getHost(), u.getPort() < 0 ? 6379 : u.getPort(), "rediss".equals(u.getScheme()), user,
        password, database);
  }

  /** Parses cluster seed nodes or Sentinels, each {@code host:port}. */
  static List<HostAndPort> parseNodes(List<String> nodes, String what) {
    Require.nonNull(nodes, what);
    Require.argument(!nodes.isEmpty(), what, "needs at least one node");
    String field = what + " node";
    List<HostAndPort> parsed = new ArrayList<>();
    for (String n : nodes) {
      Require.keyText(n, field, 300);
      int colon = n.lastIndexOf(':');
      Require.argument(colon > 0, field, "must be host:port, was " + n);
      int port;
      try {
        port = Integer.parseInt(n.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new InvalidInputException(field, "must be host:port, was " + n);
      }
      Require.argument(port > 0 && port < 65536, field, "port must be 1 to 65535, was " + n);
      parsed.add(new HostAndPort(n.substring(0, colon), port));
    }
    return parsed;
  }

  /**
   * TLS through a context of the application's (a Spring Boot SSL bundle, a pinned CA). Jedis'
   * {@code SslOptions} take only key-store files, so this uses the socket-factory settings that
   * Jedis 8 deprecates but 7.x and 8.x both have. Jedis verifies no host name for a socket factory
   * of the caller's, so the handshake does, as an HTTPS client does.
   */
  @SuppressWarnings("deprecation")
  private static void useContext(DefaultJedisClientConfig.Builder config, SSLContext context) {
    SSLParameters parameters = context.getDefaultSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    config.ssl(true).sslSocketFactory(context.getSocketFactory()).sslParameters(parameters);
  }

  /** Builds the client. Connections are opened lazily, by the first call. */
  static Client connect(Settings s) {
    DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
        .connectionTimeoutMillis(Math.toIntExact(s.connectTimeout().toMillis()))
        .socketTimeoutMillis(Math.toIntExact(s.socketTimeout().toMillis()))
        .clientName("idempotency");
    if (s.sslContext() != null) {
      useContext(config, s.sslContext());
    } else if (s.tls()) {
      // builder().build() rather than SslOptions.defaults(), which Jedis 7.x (Spring Boot 4.1's) lacks.
      config.sslOptions(s.sslOptions() != null ? s.sslOptions() : SslOptions.builder().build());
    }
    if (s.user() != null) {
      config.user(s.user());
    }
    if (s.password() != null) {
      config.password(s.password());
    }
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setMaxTotal(s.maxConnections());
    pool.setMaxIdle(s.maxConnections());
    pool.setMaxWait(s.connectTimeout());
    pool.setTestWhileIdle(true);

    UnifiedJedis client;
    String name;
    if (s.sentinelMaster() != null) {
      config.database(s.database());
      DefaultJedisClientConfig.Builder sentinelConfig = DefaultJedisClientConfig.builder()
          .connectionTimeoutMillis(Math.toIntExact(s.connectTimeout().toMillis()))
          .socketTimeoutMillis(Math.toIntExact(s.socketTimeout().toMillis()))
          .clientName("idempotency-sentinel");
      if (s.sentinelUser() != null) {
        sentinelConfig.user(s.sentinelUser());
      }
      if (s.sentinelPassword() != null) {
        sentinelConfig.password(s.sentinelPassword());
      }
      Set<HostAndPort> sentinels = new LinkedHashSet<>(s.sentinelNodes());
      name = "redis-sentinel " + s.sentinelMaster() + "@"
          + sentinels.stream().map(HostAndPort::toString).collect(Collectors.joining(","));
      try {
        client = RedisSentinelClient.builder().masterName(s.sentinelMaster()).sentinels(sentinels)
            .sentinelClientConfig(sentinelConfig.build()).clientConfig(config.build()).poolConfig(pool).build();
      } catch (JedisException e) {
        throw new StoreUnavailableException(name, "asking Sentinel for the primary", e);
      }
    } else if (s.clusterNodes().isEmpty()) {
      config.database(s.database());
      client = RedisClient.builder().hostAndPort(s.host(), s.port()).clientConfig(config.build()).poolConfig(pool).build();
      name = "redis " + s.host() + ":" + s.port() + (s.database() == 0 ? "" : "/" + s.database());
    } else {
      Set<HostAndPort> nodes = new LinkedHashSet<>(s.clusterNodes());
      client = RedisClusterClient.builder().nodes(nodes).clientConfig(config.build()).poolConfig(pool)
          .maxAttempts(3).maxTotalRetriesDuration(s.socketTimeout().multipliedBy(3)).build();
      name = "redis-cluster " + nodes.stream().map(HostAndPort::toString).collect(Collectors.joining(","));
    }
    return new Client(client, name + (s.tls() ? " (tls)" : ""));
  }
}
