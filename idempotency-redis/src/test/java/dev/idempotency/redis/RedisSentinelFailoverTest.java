package dev.idempotency.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.CallOptions;
import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyException;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.codec.Codecs;
import dev.idempotency.testsupport.RedisProcess;
import dev.idempotency.testsupport.TcpRelay;
import dev.idempotency.testsupport.RedisSentinel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A Sentinel failover with lagging replicas: a primary, two replicas whose replication links run
 * through relays that hold the primary's stream 300 ms, and one Sentinel, all on loopback ports of this test.
 * Two clients storm through Sentinel; the primary is killed, and what its links still held is lost,
 * as it is when a primary dies with replication output undelivered. After the promotion the last
 * 3,000 keys created before the kill (every key, with acknowledgement on) are called again, as
 * clients retrying after a timeout do.
 *
 * <p>With {@code replicas(1, ...)} no key runs twice and every caller of a key gets the same answer.
 * Without it, acknowledged claims and results are lost with the primary: the test prints what it
 * measured and asserts nothing about it.
 */
class RedisSentinelFailoverTest {
  private static final Duration LAG = Duration.ofMillis(300);
  private static final int THREADS = 16;

  private record Outcome(int keys, long calls, long callsAfterFailover, int doubles, int differentAnswers,
      long failoverMillis, Map<String, Integer> refusals) {}

  private static final Map<String, AtomicInteger> REFUSALS = new ConcurrentHashMap<>();

  @Test
  void withReplicaAcknowledgementAFailoverToALaggingReplicaRunsNothingTwice() throws Exception {
    Outcome acked = storm(1);
    Outcome unacked = storm(0);
    report("WAIT 1", acked);
    report("no WAIT", unacked);
    assertThat(acked.callsAfterFailover()).as("calls answered after the promotion").isPositive();
    assertThat(acked.keys()).as("keys created before the kill").isPositive();
    assertThat(acked.doubles()).as("keys whose action ran twice").isZero();
    assertThat(acked.differentAnswers()).as("keys whose callers got different answers").isZero();
  }

  private static void report(String mode, Outcome o) {
    System.out.println("RELIABILITY | redis sentinel failover, replicas lagging " + LAG.toMillis() + " ms, " + mode
        + " | " + o.keys() + " keys, " + o.calls() + " calls (" + o.callsAfterFailover() + " after the promotion,"
        + " which took " + o.failoverMillis() + " ms): " + o.doubles() + " ran twice, " + o.differentAnswers()
        + " answered differently; refused for a while: " + o.refusals());
  }

  private Outcome storm(int replicas) throws Exception {
    REFUSALS.clear();
    RedisProcess primary = RedisProcess.start("--repl-diskless-sync-delay", "0");
    List<RedisProcess> replicaProcesses = new ArrayList<>();
    List<TcpRelay> relays = new ArrayList<>();
    List<RedisBackend> backends = new ArrayList<>();
    RedisSentinel sentinel = null;
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      for (int i = 0; i < 2; i++) {
        TcpRelay relay = TcpRelay.to(primary.port());
        relay.delay(LAG);
        relays.add(relay);
        replicaProcesses.add(RedisProcess.start("--replicaof", "127.0.0.1", Integer.toString(relay.port())));
      }
      primary.awaitOnlineReplicas(2);
      sentinel = RedisSentinel.watching(primary.port());
      sentinel.awaitReplicas(2);
      for (int i = 0; i < 2; i++) {
        RedisBackend.Builder b = RedisBackend.builder().sentinel(RedisSentinel.MASTER, List.of(sentinel.node()))
            .connectTimeout(Duration.ofSeconds(1)).socketTimeout(Duration.ofSeconds(1)).keyPrefix("failover");
        if (replicas > 0) {
          b.replicas(replicas, Duration.ofSeconds(3));
        }
        backends.add(b.build());
      }
      CallOptions options = CallOptions.builder().lease(Duration.ofSeconds(15)).build();
      List<IdempotencyEngine> engines = backends.stream()
          .map(r -> IdempotencyEngine.builder(r.idempotencyStore()).defaults(options).build()).toList();

      Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
      Map<String, Set<String>> answers = new ConcurrentHashMap<>();
      AtomicInteger nextKey = new AtomicInteger();
      AtomicLong calls = new AtomicLong();
      AtomicLong callsAfter = new AtomicLong();
      long start = System.nanoTime();
      AtomicLong promotedAt = new AtomicLong(Long.MAX_VALUE);
      AtomicInteger keysBeforeKill = new AtomicInteger(Integer.MAX_VALUE);
      long end = start + TimeUnit.SECONDS.toNanos(40);

      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        IdempotencyEngine engine = engines.get(t % engines.size());
        int worker = t;
        workers.add(pool.submit(() -> {
          // Phase one: new keys and recent ones, through the kill, until a second after the promotion.
          while (System.nanoTime() < end && (promotedAt.get() == Long.MAX_VALUE
              || System.nanoTime() < promotedAt.get() + TimeUnit.SECONDS.toNanos(1))) {
            int created = nextKey.get();
            boolean fresh = created < 50 || ThreadLocalRandom.current().nextBoolean();
            String key = "k" + (fresh ? nextKey.getAndIncrement()
                : created - 1 - ThreadLocalRandom.current().nextInt(Math.min(created, 200)));
            call(engine, key, runs, answers, calls, callsAfter, promotedAt);
          }
          // Phase two: the keys created last before the kill (all of them with WAIT), called again
          // until each is answered.
          int last = keysBeforeKill.get();
          for (int k = Math.max(0, last - 3_000) + worker; k < last && System.nanoTime() < end; k += THREADS) {
            while (!call(engine, "k" + k, runs, answers, calls, callsAfter, promotedAt) && System.nanoTime() < end) {
              RedisProcess.sleep(100);
            }
          }
        }));
      }
      Thread.sleep(2_000);
      keysBeforeKill.set(nextKey.get());
      long killedAt = System.nanoTime();
      primary.kill();
      relays.forEach(TcpRelay::cutAll);
      sentinel.awaitPrimaryOtherThan(primary.port(), Duration.ofSeconds(20));
      promotedAt.set(System.nanoTime());
      for (Future<?> w : workers) {
        w.get(60, TimeUnit.SECONDS);
      }
      int doubles = (int) runs.values().stream().filter(n -> n.get() > 1).count();
      int different = (int) answers.values().stream().filter(s -> s.size() > 1).count();
      return new Outcome(keysBeforeKill.get(), calls.get(), callsAfter.get(), doubles, different,
          TimeUnit.NANOSECONDS.toMillis(promotedAt.get() - killedAt),
          new java.util.TreeMap<>(REFUSALS.entrySet().stream().collect(java.util.stream.Collectors.toMap(
              Map.Entry::getKey, e -> e.getValue().get()))));
    } finally {
      pool.shutdownNow();
      backends.forEach(RedisBackend::close);
      if (sentinel != null) {
        sentinel.close();
      }
      relays.forEach(TcpRelay::close);
      replicaProcesses.forEach(RedisProcess::stop);
      primary.stop();
    }
  }

  /** One call; true if it was answered (run or replayed), false if the library refused it for now. */
  private static boolean call(IdempotencyEngine engine, String key, Map<String, AtomicInteger> runs,
      Map<String, Set<String>> answers, AtomicLong calls, AtomicLong callsAfter, AtomicLong promotedAt) {
    try {
      String answer = engine.execute(IdempotencyKey.of("orders", key), Fingerprint.none(), Codecs.string(), claim -> {
        int n = runs.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        return key + "#" + n;
      }).value();
      answers.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(answer);
      calls.incrementAndGet();
      if (System.nanoTime() > promotedAt.get()) {
        callsAfter.incrementAndGet();
      }
      return true;
    } catch (IdempotencyException e) {
      REFUSALS.computeIfAbsent(e.getClass().getSimpleName(), c -> new AtomicInteger()).incrementAndGet();
      RedisProcess.sleep(20); // unavailable, in progress: a client retries later
      return false;
    }
  }
}
