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

  private RedisClients(String uri, List<String> cluster) {
    this.uri = uri;
    this.cluster = cluster;
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
    RedisBackend backend = b.build();
    opened.add(backend);
    return backend;
  }

  @Override
  public synchronized void close() {
    opened.forEach(RedisBackend::close);
    opened.clear();
  }
}
