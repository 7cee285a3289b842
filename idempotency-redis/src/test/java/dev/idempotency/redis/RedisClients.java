package dev.idempotency.redis;

import dev.idempotency.testkit.BackendFixture;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Creates independent backends (each with its own connection pool) on one server or cluster, all
 * with the same key prefix, and closes them after a test.
 */
final class RedisClients implements BackendFixture {
  private final String uri;
  private final List<String> cluster;
  private final String prefix = "it" + UUID.randomUUID().toString().substring(0, 8);
  private final List<RedisBackend> opened = new ArrayList<>();
  private int replicas;

  private RedisClients(String uri, List<String> cluster) {
    this.uri = uri;
    this.cluster = cluster;
  }

  /** Backends on a primary that wait for this many replicas to acknowledge every write. */
  static RedisClients replicated(String primaryUri, int replicas) {
    RedisClients c = new RedisClients(primaryUri, null);
    c.replicas = replicas;
    return c;
  }

  static RedisClients standalone() {
    return new RedisClients(RedisServers.standaloneUri(), null);
  }

  static RedisClients on(String uri) {
    return new RedisClients(uri, null);
  }

  static RedisClients cluster() {
    return new RedisClients(null, RedisCluster.shared().seeds());
  }

  String prefix() {
    return prefix;
  }

  @Override
  public RedisBackend newClient() {
    return newBackend();
  }

  synchronized RedisBackend newBackend() {
    RedisBackend.Builder b = RedisBackend.builder().keyPrefix(prefix).maxConnections(32)
        .stateTtl(java.time.Duration.ofMinutes(10));
    if (cluster != null) {
      b.cluster(cluster);
    } else {
      b.uri(uri);
    }
    if (replicas > 0) {
      b.replicas(replicas, java.time.Duration.ofSeconds(2));
    }
    RedisBackend backend = b.build();
    opened.add(backend);
    return backend;
  }

  /** Keys under this fixture's prefix, on the server or on every master of the cluster. */
  @Override
  public long storedEntries() {
    List<String> servers = new ArrayList<>();
    if (cluster != null) {
      RedisCluster.shared().nodes().forEach(n -> servers.add(n.uri()));
    } else {
      servers.add(uri);
    }
    long n = 0;
    for (String server : servers) {
      try (redis.clients.jedis.Jedis j = new redis.clients.jedis.Jedis(java.net.URI.create(server))) {
        if (cluster != null && !j.info("replication").contains("role:master")) {
          continue;
        }
        redis.clients.jedis.params.ScanParams match = new redis.clients.jedis.params.ScanParams().match(prefix + "*").count(1000);
        String cursor = redis.clients.jedis.params.ScanParams.SCAN_POINTER_START;
        do {
          redis.clients.jedis.resps.ScanResult<String> page = j.scan(cursor, match);
          n += page.getResult().size();
          cursor = page.getCursor();
        } while (!"0".equals(cursor));
      }
    }
    return n;
  }

  @Override
  public synchronized void close() {
    opened.forEach(RedisBackend::close);
    opened.clear();
  }
}
