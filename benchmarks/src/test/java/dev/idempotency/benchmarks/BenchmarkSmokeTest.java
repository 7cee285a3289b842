package dev.idempotency.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.results.RunResult;

/**
 * CI's smoke of the benchmarks: every benchmark runs once, briefly (one fork, one short iteration),
 * against the real servers, every storm holds (exactly one execution, exactly ten units), the HTTP
 * path answers every request with a 2xx, and the report and chart are written (to
 * {@code target/smoke}). The figures of so short a run mean nothing; that every benchmark still runs
 * does. Needs the servers of the other modules' tests, {@code wrk}, and the order service's jar
 * (built earlier in the same {@code mvn -B verify}).
 */
class BenchmarkSmokeTest {
  private static final List<Class<?>> CLASSES = List.of(InMemoryBenchmarks.class, RedisBenchmarks.class,
      JdbcBenchmarks.class, HazelcastBenchmarks.class, ProxyBenchmarks.class, StormBenchmarks.class, PairedBenchmarks.class);

  @Test
  void everyBenchmarkRunsEveryStormHoldsAndTheReportIsWritten() throws Exception {
    Path jar = Path.of("..", "idempotency-examples", "target", "order-service.jar");
    assertThat(jar).as("the order service's jar: run the whole build from the root (mvn -B verify)").isRegularFile();
    assertThat(Http.wrk()).as("wrk, for the HTTP path: apt-get install wrk").isNotNull();
    System.setProperty("bench.orderService", jar.toString());
    Path out = Path.of("target", "smoke");

    Report.Results results = Report.run(Report.Profile.SMOKE, out);
    Markdown.write(out, results, "smoke");

    Set<String> ran = new TreeSet<>();
    for (RunResult r : results.jmh()) {
      assertThat(r.getPrimaryResult().getScore()).as(r.getParams().getBenchmark()).isPositive();
      ran.add(Report.benchmarkClass(r) + "." + Report.method(r) + Report.params(r));
    }
    assertThat(ran).containsExactlyInAnyOrderElementsOf(expected());
    assertThat(results.storms()).hasSize(15).allSatisfy(s -> {
      assertThat(s.executions()).as(s.storm() + " on " + s.backend()).isEqualTo(s.expected());
      assertThat(s.storeCalls()).as(s.storm() + " on " + s.backend()).isGreaterThanOrEqualTo(s.callers());
    });
    assertThat(results.http()).hasSize(3).allSatisfy(h -> {
      assertThat(h.non2xx()).as(h.name()).isZero();
      assertThat(h.requestsPerSecond()).as(h.name()).isPositive();
    });
    assertThat(Report.paired(results.jmh())).as("every alternated pair has its ratio")
        .hasSize(Report.pairs().size()).allSatisfy(p -> assertThat(p.ratio()).as(p.toString()).isPositive());
    assertThat(results.redisServer().rows()).as("every Redis pair's server cost")
        .hasSize((int) Report.pairs().stream().filter(p -> p.startsWith("Redis:")).count())
        .allSatisfy(r -> assertThat(r.commands()).as(r.operation()).isGreaterThanOrEqualTo(1.0));
    assertThat(results.redisServer().memory().recordBytes()).as("a record's bytes")
        .isGreaterThan(results.redisServer().memory().rawBytes() * 0.5);
    assertThat(Files.readString(out.resolve("README.md"))).contains("| Redis | idempotentCallReplay | 1 |",
        "## Redis: what the server spends per operation",
        "| PostgreSQL | idempotentCallReplay | 1 |", "| MariaDB | await | 500 |", "full defence: POST /orders");
    assertThat(Files.readString(out.resolve("ratios.svg"))).startsWith("<svg").contains("Redis · idempotentCallFirst");
  }

  /** Every benchmark method of every class, once per value of its parameter. */
  private static Set<String> expected() {
    Set<String> names = new TreeSet<>();
    for (Class<?> type : CLASSES) {
      List<String> params = List.of("");
      for (var field : type.getFields()) {
        Param p = field.getAnnotation(Param.class);
        if (p != null) {
          // The report passes every pair; the annotation holds one default.
          List<String> values = type == PairedBenchmarks.class ? Report.pairs() : List.of(p.value());
          params = values.stream().map(v -> field.getName() + "=" + v).toList();
        }
      }
      for (Method m : type.getMethods()) {
        if (m.isAnnotationPresent(Benchmark.class)) {
          for (String p : params) {
            names.add(type.getSimpleName() + "." + m.getName() + p);
          }
        }
      }
    }
    return names;
  }
}
