package dev.idempotency.benchmarks;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * An operation and its raw baseline called alternately, one call each in turn, on the same client
 * and pool, timing each call: the ratio of their mean times is then free of what drifts between two
 * benchmarks run one after the other (a server's background work, a neighbour on the machine, a
 * table that grew), which on a shared 2-core machine moves a round trip by tens of percent within a
 * minute. This ratio is the one a target is judged on ({@link Report}); the separate runs give the
 * absolute times.
 *
 * <p>{@link #pair} names the backend, the operation and its baseline ({@code Redis:idempotentCallReplay:baselineCallReplay});
 * {@link Report#pairs()} lists every operation that has a target, and the report passes them all.
 * The split times are JMH auxiliary counters ({@link Split}): the total nanoseconds and calls of
 * each side per iteration.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
public class PairedBenchmarks {
  /** Backend, operation and baseline, colon-separated; the report passes {@link Report#pairs()}. */
  @Param({"Redis:idempotentCallReplay:baselineCallReplay"})
  public String pair;

  private StrategyBenchmarks target;
  private Runnable tearDown;
  private MethodHandle operation;
  private MethodHandle baseline;
  private long calls;

  /** Each side's time and calls in one iteration. */
  @AuxCounters(AuxCounters.Type.EVENTS)
  @State(Scope.Thread)
  public static class Split {
    /** Nanoseconds spent in the operation. */
    public long operationNanos;
    /** Calls of the operation. */
    public long operationCalls;
    /** Nanoseconds spent in the baseline. */
    public long baselineNanos;
    /** Calls of the baseline. */
    public long baselineCalls;

    /** Starts each iteration from zero. */
    @Setup(Level.Iteration)
    public void reset() {
      operationNanos = 0;
      operationCalls = 0;
      baselineNanos = 0;
      baselineCalls = 0;
    }
  }

  /**
   * Sets up the backend's benchmark state and finds the two methods.
   *
   * @throws Exception if the backend cannot be set up or a method is not there
   */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    String[] p = pair.split(":");
    if (p.length != 3) {
      throw new IllegalArgumentException("pair is backend:operation:baseline, not " + pair);
    }
    switch (p[0]) {
      case "Redis" -> {
        RedisBenchmarks redis = new RedisBenchmarks();
        redis.setUp();
        target = redis;
        tearDown = redis::tearDown;
      }
      case "PostgreSQL", "MariaDB" -> {
        JdbcBenchmarks jdbc = new JdbcBenchmarks();
        jdbc.database = "PostgreSQL".equals(p[0]) ? "postgres" : "mariadb";
        jdbc.setUp();
        target = jdbc;
        tearDown = () -> {
          try {
            jdbc.tearDown();
          } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot drop the benchmark's tables", e);
          }
        };
      }
      case "Hazelcast" -> {
        HazelcastBenchmarks hazelcast = new HazelcastBenchmarks();
        hazelcast.setUp();
        target = hazelcast;
        tearDown = hazelcast::tearDown;
      }
      default -> throw new IllegalArgumentException("no paired benchmarks on " + p[0]);
    }
    operation = handle(p[1]);
    baseline = handle(p[2]);
  }

  private MethodHandle handle(String name) throws ReflectiveOperationException {
    MethodHandle h = MethodHandles.publicLookup().findVirtual(target.getClass(), name,
        MethodType.methodType(target.getClass().getMethod(name).getReturnType()));
    return h.bindTo(target).asType(MethodType.methodType(Object.class));
  }

  /** Tears the backend's state down. */
  @TearDown(Level.Trial)
  public void tearDown() {
    tearDown.run();
  }

  /**
   * One call of the operation or of its baseline, in turn, timed into {@code split}.
   *
   * @param split the per-side counters
   * @return what the call returned
   * @throws Throwable what the call threw
   */
  @Benchmark
  public Object alternate(Split split) throws Throwable {
    boolean op = (calls++ & 1) == 0;
    long start = System.nanoTime();
    Object result = op ? operation.invokeExact() : baseline.invokeExact();
    long nanos = System.nanoTime() - start;
    if (op) {
      split.operationNanos += nanos;
      split.operationCalls++;
    } else {
      split.baselineNanos += nanos;
      split.baselineCalls++;
    }
    return result;
  }
}
