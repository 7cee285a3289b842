package dev.idempotency.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import dev.idempotency.CallOptions;
import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyException;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.codec.Codecs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A member killed mid-storm, its partitions' backups taking over: two service instances (backends on
 * the two surviving members) race on every key, each call retried until it is answered, while the
 * third member, which owns about a third of the records, is terminated without warning.
 */
class HazelcastMemberLossTest {
  private static final int KEYS = 600;
  private static final int THREADS = 8;
  private static final Duration LEASE = Duration.ofSeconds(3);

  @Test
  void aMemberKilledMidStormLosesNoRecordAndRunsNoKeyTwice() throws Exception {
    try (HazelcastCluster cluster = HazelcastCluster.start(3)) {
      List<IdempotencyEngine> engines = new ArrayList<>();
      for (HazelcastInstance m : cluster.members.subList(0, 2)) {
        engines.add(IdempotencyEngine.builder(HazelcastRecordStore.backend(m).idempotencyStore())
            .defaults(CallOptions.builder().lease(LEASE).build()).build());
      }
      Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
      Map<Integer, Set<String>> answers = new ConcurrentHashMap<>();
      AtomicInteger answered = new AtomicInteger();
      AtomicLong refusals = new AtomicLong();
      AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
      AtomicLong answeredAfterKill = new AtomicLong();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);

      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        // Threads t and t + THREADS/2 call the same keys through different members.
        IdempotencyEngine engine = engines.get(t % 2);
        int lane = t % (THREADS / 2);
        workers.add(pool.submit(() -> {
          for (int k = lane; k < KEYS; k += THREADS / 2) {
            int key = k;
            while (System.nanoTime() < deadline) {
              try {
                String answer = engine.execute(IdempotencyKey.of("orders", "k" + key), Fingerprint.none(),
                    Codecs.string(), claim -> "order-" + key + "#"
                        + runs.computeIfAbsent(key, x -> new AtomicInteger()).incrementAndGet()).value();
                answers.computeIfAbsent(key, x -> ConcurrentHashMap.newKeySet()).add(answer);
                answered.incrementAndGet();
                if (System.nanoTime() > killedAt.get()) {
                  answeredAfterKill.incrementAndGet();
                }
                break;
              } catch (IdempotencyException e) {
                // In progress under the other instance, or the store busy with the member's loss.
                refusals.incrementAndGet();
                Thread.sleep(20);
              }
            }
          }
          return null;
        }));
      }
      while (answered.get() < KEYS * 2 / 3 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      killedAt.set(System.nanoTime());
      cluster.members.get(2).getLifecycleService().terminate();
      for (Future<?> w : workers) {
        w.get(90, TimeUnit.SECONDS);
      }
      pool.shutdownNow();

      int doubles = (int) runs.values().stream().filter(n -> n.get() > 1).count();
      int different = (int) answers.values().stream().filter(s -> s.size() > 1).count();
      // Every key's result is still there: a replay through a fresh instance never runs the action.
      IdempotencyEngine fresh = IdempotencyEngine.builder(
          HazelcastRecordStore.backend(cluster.members.get(0)).idempotencyStore()).build();
      int lost = 0;
      for (int k = 0; k < KEYS; k++) {
        int key = k;
        String replay = fresh.execute(IdempotencyKey.of("orders", "k" + key), Fingerprint.none(), Codecs.string(),
            claim -> "ran again").value();
        if (!answers.getOrDefault(key, Set.of()).contains(replay)) {
          lost++;
        }
      }
      System.out.println("RELIABILITY | hazelcast member killed mid-storm | " + KEYS + " keys, " + answered.get()
          + " answers (" + answeredAfterKill.get() + " after the kill), " + refusals.get() + " refusals retried: "
          + doubles + " ran twice, " + different + " answered differently, " + lost + " lost");
      assertThat(answers).as("keys answered").hasSize(KEYS);
      assertThat(answered.get()).as("calls answered").isEqualTo(KEYS * 2);
      assertThat(answeredAfterKill.get()).as("calls answered after the kill").isPositive();
      assertThat(doubles).as("keys whose action ran twice").isZero();
      assertThat(different).as("keys whose callers got different answers").isZero();
      assertThat(lost).as("keys whose stored result is gone").isZero();
    }
  }
}
