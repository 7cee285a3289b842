package dev.idempotency.benchmarks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.idempotency.memory.InMemoryBackend;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Every strategy on the in-memory backend beside its raw baselines in the same run: a bare
 * {@code ConcurrentHashMap.putIfAbsent} and a bare Caffeine {@code compute} of a fresh key, the
 * cheapest atomic steps an in-process store could make.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class InMemoryBenchmarks extends StrategyBenchmarks {
  private ConcurrentHashMap<String, Boolean> map;
  private Cache<String, Boolean> caffeine;

  /** Creates the backend. */
  @Setup(Level.Trial)
  public void setUp() {
    InMemoryBackend backend = InMemoryBackend.create();
    map = new ConcurrentHashMap<>();
    map.put("stored", Boolean.TRUE);
    caffeine = Caffeine.newBuilder().maximumSize(10_000_000).build();
    useStores(backend.idempotencyStore(), backend.tokenStore(), backend.lockStore(), backend.dedupStore(),
        backend.stateStore("bench"),
        backend.stockStore(), backend.rateLimitStore());
  }

  /** Closes the strategies. */
  @TearDown(Level.Trial)
  public void tearDown() {
    closeStrategies();
  }

  /**
   * Baseline: a bare putIfAbsent of a fresh key.
   *
   * @return whether it was absent
   */
  @Benchmark
  public boolean baselinePutIfAbsent() {
    return map.putIfAbsent(next(), Boolean.TRUE) == null;
  }

  /**
   * Baseline of a first call: a putIfAbsent of a fresh key, then a put of its result.
   *
   * @return the previous value
   */
  @Benchmark
  public Boolean baselineCallFirst() {
    String key = next();
    map.putIfAbsent(key, Boolean.FALSE);
    return map.put(key, Boolean.TRUE);
  }

  /**
   * Baseline of a replay: a get of a stored key.
   *
   * @return the value
   */
  @Benchmark
  public Boolean baselineCallReplay() {
    return map.get("stored");
  }

  /**
   * Baseline: a bare Caffeine compute of a fresh key.
   *
   * @return the value
   */
  @Benchmark
  public Boolean baselineCaffeineCompute() {
    return caffeine.asMap().compute(next(), (k, v) -> v == null ? Boolean.TRUE : v);
  }
}
