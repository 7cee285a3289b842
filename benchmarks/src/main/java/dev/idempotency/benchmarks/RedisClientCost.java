package dev.idempotency.benchmarks;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;

/**
 * What one Redis round trip costs the JVM that makes it, through Jedis as the Redis backend uses it
 * (a pool of blocking connections, one per calling thread) and through Lettuce (one connection that
 * all threads share, its commands pipelined by a Netty event loop): the process's CPU per call of a
 * claim-like script on a fresh key, with many threads calling at once as a web server's do, the two
 * clients alternated in rounds after one warm-up round each. Asks whether a multiplexing client would
 * make the order service's round trips cheaper. Run apart from other load:
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.idempotency.benchmarks.RedisClientCost THREADS SECONDS ROUNDS
 * </pre>
 *
 * Redis from {@code IDEMPOTENCY_REDIS_URI} or 127.0.0.1:6379; its keys carry a per-run prefix,
 * expire within a minute and are deleted at the end.
 */
public final class RedisClientCost {
  /** The claim's shape: a read, and on a fresh key a token from the server's clock, a write and an expiry. */
  private static final String CLAIM_LIKE = """
      local r = redis.call('HMGET', KEYS[1], 's', 'f', 't', 'p')
      if r[1] then return r end
      local now = redis.call('TIME')
      local token = string.format('%d', tonumber(now[1]) * 1000000 + tonumber(now[2]))
      redis.call('HSET', KEYS[1], 's', '0', 'f', ARGV[1], 't', token)
      redis.call('PEXPIRE', KEYS[1], ARGV[2])
      return token
      """;

  private RedisClientCost() {}

  /** One round of one client: calls per second and the process's CPU microseconds per call. */
  record Round(double callsPerSecond, double cpuMicrosPerCall) {}

  @FunctionalInterface
  private interface Call {
    void call(String key);
  }

  /**
   * Runs the comparison.
   *
   * @param args threads, seconds per round, rounds
   * @throws Exception if Redis cannot be reached or a call fails
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: RedisClientCost THREADS SECONDS ROUNDS");
      System.exit(2);
    }
    int threads = Integer.parseInt(args[0]);
    int seconds = Integer.parseInt(args[1]);
    int rounds = Integer.parseInt(args[2]);
    URI uri = URI.create(Servers.redisUri());
    String run = "clientcost" + UUID.randomUUID().toString().substring(0, 8);
    AtomicLong sequence = new AtomicLong();
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setMaxTotal(Math.max(8, threads));
    pool.setMaxIdle(Math.max(8, threads));
    pool.setTestWhileIdle(true);
    try (RedisClient jedis = RedisClient.builder().hostAndPort(uri.getHost(), uri.getPort())
        .clientConfig(DefaultJedisClientConfig.builder().socketTimeoutMillis(2000).connectionTimeoutMillis(2000).build())
        .poolConfig(pool).build()) {
      io.lettuce.core.RedisClient lettuce = io.lettuce.core.RedisClient.create(uri.toString());
      try (StatefulRedisConnection<String, String> connection = lettuce.connect()) {
        String sha = jedis.scriptLoad(CLAIM_LIKE);
        RedisCommands<String, String> sync = connection.sync();
        sync.setTimeout(Duration.ofSeconds(2));
        Call viaJedis = k -> jedis.evalsha(sha, List.of(k), List.of("f", "60000"));
        Call viaLettuce = k -> sync.evalsha(sha, ScriptOutputType.VALUE, new String[] {k}, "f", "60000");
        round(viaJedis, threads, seconds, run, sequence);
        round(viaLettuce, threads, seconds, run, sequence);
        List<Round> j = new ArrayList<>();
        List<Round> l = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
          j.add(round(viaJedis, threads, seconds, run, sequence));
          l.add(round(viaLettuce, threads, seconds, run, sequence));
          System.out.printf(Locale.ROOT, "%d threads, round %d: Jedis %,.0f calls/s, %.1f us CPU per call;"
              + " Lettuce %,.0f calls/s, %.1f us CPU per call%n", threads, r + 1, j.get(r).callsPerSecond(),
              j.get(r).cpuMicrosPerCall(), l.get(r).callsPerSecond(), l.get(r).cpuMicrosPerCall());
        }
        double jedisCpu = j.stream().mapToDouble(Round::cpuMicrosPerCall).average().orElseThrow();
        double lettuceCpu = l.stream().mapToDouble(Round::cpuMicrosPerCall).average().orElseThrow();
        System.out.printf(Locale.ROOT, "%d threads: CPU per call, Lettuce to Jedis x%.2f (%.1f us against %.1f)%n",
            threads, lettuceCpu / jedisCpu, lettuceCpu, jedisCpu);
      } finally {
        lettuce.shutdown();
      }
    } finally {
      try (RedisClient raw = Servers.redis()) {
        Servers.deleteKeys(raw, run);
      }
    }
  }

  private static Round round(Call call, int threads, int seconds, String run, AtomicLong sequence)
      throws Exception {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    AtomicBoolean stop = new AtomicBoolean();
    LongAdder calls = new LongAdder();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      long cpuBefore = os.getProcessCpuTime();
      long start = System.nanoTime();
      List<Future<?>> workers = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        workers.add(pool.submit(() -> {
          while (!stop.get()) {
            call.call(run + ":" + sequence.incrementAndGet());
            calls.increment();
          }
          return null;
        }));
      }
      Thread.sleep(seconds * 1000L);
      stop.set(true);
      for (Future<?> w : workers) {
        w.get();
      }
      long cpu = os.getProcessCpuTime() - cpuBefore;
      long wall = System.nanoTime() - start;
      long n = Math.max(1, calls.sum());
      return new Round(n / (wall / 1e9), cpu / 1000.0 / n);
    } finally {
      pool.shutdownNow();
    }
  }
}
