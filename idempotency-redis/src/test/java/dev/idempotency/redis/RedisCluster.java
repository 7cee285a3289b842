package dev.idempotency.redis;

import dev.idempotency.testsupport.RedisProcess;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;

/**
 * A real Redis Cluster of three masters that the tests start themselves on free loopback ports
 * ({@code redis-server --cluster-enabled yes}, then {@code redis-cli --cluster create}) and stop
 * when the JVM exits. One per test run, shared by the cluster test classes.
 */
final class RedisCluster {
  private static RedisCluster shared;

  private final List<RedisProcess> nodes = new ArrayList<>();

  private RedisCluster() {}

  static synchronized RedisCluster shared() {
    if (shared == null) {
      RedisCluster c = new RedisCluster();
      c.start();
      shared = c;
      Runtime.getRuntime().addShutdownHook(new Thread(c::stop));
    }
    return shared;
  }

  List<String> seeds() {
    List<String> seeds = new ArrayList<>();
    nodes.forEach(n -> seeds.add("127.0.0.1:" + n.port()));
    return seeds;
  }

  List<RedisProcess> nodes() {
    return nodes;
  }

  private void start() {
    for (int i = 0; i < 3; i++) {
      nodes.add(RedisProcess.start("--cluster-enabled", "yes",
          "--cluster-config-file", "nodes-" + i + "-" + System.nanoTime() + ".conf",
          "--cluster-port", Integer.toString(RedisProcess.freePort()),
          "--cluster-node-timeout", "5000"));
    }
    List<String> cmd = new ArrayList<>(List.of(redisCli(), "--cluster", "create"));
    cmd.addAll(seeds());
    cmd.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("redis-cli --cluster create failed:\n" + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (RedisProcess n : nodes) {
      while (true) {
        try (Jedis j = new Jedis("127.0.0.1", n.port(), 1000)) {
          if (j.clusterInfo().contains("cluster_state:ok")) {
            break;
          }
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the test cluster did not reach cluster_state:ok");
        }
        RedisProcess.sleep(50);
      }
    }
  }

  private static String redisCli() {
    File server = new File(RedisProcess.redisServerBinary());
    File cli = new File(server.getParentFile(), "redis-cli");
    if (!cli.canExecute()) {
      throw new IllegalStateException("redis-cli is not installed next to " + server);
    }
    return cli.getPath();
  }

  void stop() {
    nodes.forEach(RedisProcess::stop);
  }
}
