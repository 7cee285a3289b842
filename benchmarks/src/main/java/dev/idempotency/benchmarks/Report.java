package dev.idempotency.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the benchmarks and reports every operation as a ratio of its raw baseline measured in the
 * same run, through the same client and pool, with its target and whether it is met.
 *
 * <p>The whole profile, which rewrites {@code benchmarks/README.md} and {@code benchmarks/ratios.svg}
 * (about 30 minutes on 2 cores; the servers of the tests must be running):
 *
 * <pre>{@code
 * mvn -B -q package -pl benchmarks -am -DskipTests
 * java -cp benchmarks/target/benchmarks.jar dev.idempotency.benchmarks.Report --profile full --out benchmarks
 * }</pre>
 *
 * <p>{@code --profile smoke} runs every benchmark once, briefly (what CI runs);
 * {@code --http SECONDS [ROUNDS [PROFILES]] [--forks N]} only the order service's HTTP path ({@link
 * Http}), alternated over ROUNDS rounds (3 unless given) in each of N service JVMs ({@value
 * #HTTP_FORKS} unless given), with the service's CPU per request, on its embedded defaults or on the
 * Spring profiles given ({@code redis,postgres}); {@code --redis-server CALLS
 * ROUNDS} what Redis itself spends per operation beside its baseline, and the bytes of a completed
 * record beside a raw string ({@link RedisServerCost}); anything else is
 * passed to JMH as its own command line, and the ratios are printed:
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar dev.idempotency.benchmarks.Report RedisBenchmarks -f 1 -wi 2 -i 3
 * }</pre>
 */
public final class Report {
  /** Every operation's raw baselines, the first a class has being the one it is measured against. */
  static final Map<String, List<String>> BASELINES = new LinkedHashMap<>();
  /** How many service JVMs the HTTP path is measured in, unless {@code --forks} says otherwise. */
  static final int HTTP_FORKS = 3;
  /** The ratio the issue sets as a target. */
  static final double TARGET_RATIO = 1.15;
  /** Above this a near-cache replay misses its target, in microseconds. */
  static final double NEAR_CACHE_TARGET_MICROS = 1.0;
  /** Above this many server commands per caller, a storm of waiters misses its target. */
  static final double AWAIT_COMMANDS_TARGET = 2.0;

  static {
    BASELINES.put("idempotentCallFirst", List.of("baselineCallFirst"));
    BASELINES.put("layeredDefenceFirst", List.of("baselineCallFirst"));
    BASELINES.put("layeredDefenceFirstClaimAlone", List.of("baselineCallFirst"));
    BASELINES.put("idempotentCallReplay", List.of("baselineCallReplay", "baselineInsert"));
    BASELINES.put("lockAcquireAndRelease", List.of("baselineLockAcquireAndRelease", "baselineCallFirst"));
    BASELINES.put("tokenIssueAndConsume", List.of("baselineTokenIssueAndConsume", "baselineLockAcquireAndRelease",
        "baselineCallFirst"));
    BASELINES.put("dedupMarkFirst", List.of("baselineSetNx", "baselineInsert", "baselinePutIfAbsent"));
    BASELINES.put("stateTransition", List.of("baselineStateTransition", "baselineSetNx", "baselinePutIfAbsent"));
    BASELINES.put("stockReserveAndRelease", List.of("baselineStockReserveAndRelease", "baselineCallFirst"));
    BASELINES.put("rateLimitAcquire", List.of("baselineRateLimitAcquire", "baselineInsert", "baselinePutIfAbsent"));
    BASELINES.put("storeClaimReplay", List.of("baselineCallReplay", "baselineInsert"));
    BASELINES.put("nearCacheReplay", List.of("baselineCallReplay", "baselineInsert"));
    BASELINES.put("rowLockInTransaction", List.of("baselineRowLockInTransaction"));
    BASELINES.put("proxiedFirstCall", List.of("baselineDirectFirstCall"));
    BASELINES.put("proxiedReplay", List.of("baselineDirectReplay"));
    BASELINES.put("proxiedReplayWithoutFingerprint", List.of("baselineDirectReplayWithoutFingerprint"));
    BASELINES.put("springAdvisedFirstCall", List.of("baselineDirectFirstCall"));
    BASELINES.put("springAdvisedReplay", List.of("baselineDirectReplay"));
  }

  private Report() {}

  /** How much of everything to run. */
  enum Profile {
    /** Every benchmark, measured: the committed table. */
    FULL,
    /** Every benchmark once, briefly: CI's check that each still runs and each storm holds. */
    SMOKE
  }

  /**
   * Runs and reports.
   *
   * @param args {@code --profile full|smoke [--out DIR]}, or JMH's own command line
   * @throws Exception if JMH fails, its options are malformed, or the report cannot be written
   */
  public static void main(String[] args) throws Exception {
    if (args.length >= 2 && "--http".equals(args[0])) {
      List<String> rest = new ArrayList<>(List.of(args).subList(1, args.length));
      int forks = HTTP_FORKS;
      int at = rest.indexOf("--forks");
      if (at >= 0) {
        forks = Integer.parseInt(rest.get(at + 1));
        rest.subList(at, at + 2).clear();
      }
      int rounds = rest.size() >= 2 ? Integer.parseInt(rest.get(1)) : 3;
      String profiles = rest.size() >= 3 ? rest.get(2) : null;
      List<Http.Result> http = Http.run(Integer.parseInt(rest.get(0)), rounds, Http.WARM_RUNS, profiles, forks);
      for (Http.Result r : http) {
        System.out.println(r);
      }
      for (Http.Result r : http.subList(Math.min(1, http.size()), http.size())) {
        System.out.println(r.name() + ": CPU per request " + r.ratioTo(http.get(0)) + " of no defence");
      }
      return;
    }
    if (args.length >= 3 && "--redis-server".equals(args[0])) {
      System.out.print(RedisServerCost.markdown(RedisServerCost.measure(Integer.parseInt(args[1]),
          Integer.parseInt(args[2]), 100_000)));
      return;
    }
    if (args.length >= 2 && "--profile".equals(args[0])) {
      Profile profile = Profile.valueOf(args[1].toUpperCase(Locale.ROOT));
      Path out = args.length >= 4 && "--out".equals(args[2]) ? Path.of(args[3]) : null;
      Results results = run(profile, out == null ? Path.of("target") : out.resolve("target"));
      print(results.jmh());
      if (out != null) {
        String command = "java -cp benchmarks/target/benchmarks.jar dev.idempotency.benchmarks.Report --profile "
            + args[1] + " --out " + args[3];
        Markdown.write(out, results, command);
        System.out.println("wrote " + out.resolve("README.md") + " and " + out.resolve("ratios.svg"));
      }
      return;
    }
    ChainedOptionsBuilder options = new OptionsBuilder().parent(new CommandLineOptions(args));
    print(new Runner(options.build()).run());
  }

  /** Everything one run measured. */
  record Results(Profile profile, List<RunResult> jmh, List<Storm> storms, List<Http.Result> http,
      RedisServerCost.Result redisServer, Machine machine) {}

  /** One storm shot's counts, as {@link StormBenchmarks} wrote them. */
  record Storm(String storm, String backend, int callers, int executions, int expected, int storeCalls,
      long serverCommands) {}

  /**
   * Runs a profile: the operations at 1 thread, the first call and replay also at 4, every operation
   * that has a target alternated with its baseline ({@link PairedBenchmarks}), the storms, and the
   * HTTP path when {@code wrk} and the order service's jar are there, and what Redis spends per operation.
   */
  static Results run(Profile profile, Path work) throws Exception {
    Files.createDirectories(work);
    Path storms = work.resolve("storms.txt");
    Files.deleteIfExists(storms);
    boolean full = profile == Profile.FULL;
    List<RunResult> all = new ArrayList<>();
    all.addAll(new Runner(timed(full, new OptionsBuilder()
        .include(Report.class.getPackageName() + ".(InMemory|Redis|Jdbc|Proxy|Hazelcast)Benchmarks\\.")
        .threads(1)).build()).run());
    if (full) {
      all.addAll(new Runner(timed(true, new OptionsBuilder()
          .include(Report.class.getPackageName() + ".(Redis|Jdbc)Benchmarks\\.(idempotentCall|baselineCall|baselineInsert)")
          .threads(4)).build()).run());
    }
    all.addAll(new Runner((full
        ? new OptionsBuilder().forks(1).warmupIterations(1).warmupTime(TimeValue.seconds(1))
            .measurementIterations(8).measurementTime(TimeValue.seconds(1))
        : new OptionsBuilder().forks(SMOKE_FORKS).warmupIterations(0).measurementIterations(1)
            .measurementTime(TimeValue.milliseconds(SMOKE_MILLIS)))
        .include(Report.class.getPackageName() + ".PairedBenchmarks\\.")
        .param("pair", pairs().toArray(String[]::new))
        .threads(1).build()).run());
    if (!full) {
      // The smoke runs in this JVM (no fork), where the storms read the file's name from here.
      System.setProperty("bench.storms", storms.toAbsolutePath().toString());
    }
    all.addAll(new Runner(new OptionsBuilder()
        .include(Report.class.getPackageName() + ".StormBenchmarks\\.")
        .forks(full ? 1 : SMOKE_FORKS).warmupIterations(full ? 1 : 0).measurementIterations(full ? 5 : 1)
        .jvmArgsAppend("-Dbench.storms=" + storms.toAbsolutePath()).build()).run());
    List<Storm> shots = new ArrayList<>();
    for (String line : Files.readAllLines(storms, StandardCharsets.UTF_8)) {
      String[] f = line.split("\\|");
      shots.add(new Storm(f[0], f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3]), Integer.parseInt(f[4]),
          Integer.parseInt(f[5]), Long.parseLong(f[6])));
    }
    List<Http.Result> http = full ? Http.run(10, 3, Http.WARM_RUNS, null, HTTP_FORKS) : Http.run(1, 1, 1);
    RedisServerCost.Result redisServer = full ? RedisServerCost.measure(20_000, 3, 100_000)
        : RedisServerCost.measure(200, 1, 1_000);
    return new Results(profile, all, shots, http, redisServer, Machine.describe());
  }

  private static ChainedOptionsBuilder timed(boolean full, ChainedOptionsBuilder options) {
    if (full) {
      return options.forks(1).warmupIterations(2).warmupTime(TimeValue.seconds(1))
          .measurementIterations(5).measurementTime(TimeValue.seconds(2));
    }
    return options.forks(SMOKE_FORKS).warmupIterations(0).measurementIterations(1)
        .measurementTime(TimeValue.milliseconds(SMOKE_MILLIS));
  }

  /**
   * The smoke's figures mean nothing, so it runs every benchmark in this JVM: a fork per benchmark
   * (about sixty) cost CI over two minutes of JVM start-ups alone. Measurements always fork.
   */
  private static final int SMOKE_FORKS = 0;
  /** A smoke iteration: long enough for a call of every benchmark, short enough for CI (129 of them). */
  private static final int SMOKE_MILLIS = 100;

  /** The short name of a benchmark method. */
  static String method(RunResult r) {
    String label = r.getParams().getBenchmark();
    return label.substring(label.lastIndexOf('.') + 1);
  }

  /** The simple name of a benchmark's class. */
  static String benchmarkClass(RunResult r) {
    String label = r.getParams().getBenchmark();
    String cls = label.substring(0, label.lastIndexOf('.'));
    return cls.substring(cls.lastIndexOf('.') + 1);
  }

  /** The backend a result ran on, as the table names it. */
  static String backend(RunResult r) {
    String cls = benchmarkClass(r);
    String database = r.getParams().getParamsKeys().contains("database") ? r.getParams().getParam("database") : "";
    return switch (cls) {
      case "RedisBenchmarks" -> "Redis";
      case "HazelcastBenchmarks" -> "Hazelcast";
      case "JdbcBenchmarks" -> switch (database) {
        case "postgres" -> "PostgreSQL";
        case "mariadb" -> "MariaDB";
        default -> "H2";
      };
      case "ProxyBenchmarks" -> "in-memory (proxies)";
      default -> "in-memory";
    };
  }

  /**
   * The baseline a benchmark is compared with: the first of its {@link #BASELINES} that its class
   * measured with the same parameters and threads.
   */
  static Optional<RunResult> baselineOf(RunResult r, List<RunResult> all) {
    List<String> names = BASELINES.getOrDefault(method(r), List.of());
    for (String name : names) {
      for (RunResult b : all) {
        if (method(b).equals(name) && benchmarkClass(b).equals(benchmarkClass(r)) && params(b).equals(params(r))
            && b.getParams().getThreads() == r.getParams().getThreads()) {
          return Optional.of(b);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The ratio an operation must stay within on its backend, where the issue sets one: on Redis the
   * first call, replay, lock, token, dedup and transition; on PostgreSQL and MariaDB every operation.
   */
  static Optional<Double> targetRatio(RunResult r) {
    return targetRatio(backend(r), method(r));
  }

  static Optional<Double> targetRatio(String backend, String m) {
    if (m.startsWith("baseline") || "nearCacheReplay".equals(m) || "storeClaimReplay".equals(m)
        || !BASELINES.containsKey(m)) {
      return Optional.empty();
    }
    return switch (backend) {
      case "Redis" -> List.of("idempotentCallFirst", "idempotentCallReplay", "lockAcquireAndRelease",
          "tokenIssueAndConsume", "dedupMarkFirst", "stateTransition").contains(m)
          ? Optional.of(TARGET_RATIO) : Optional.empty();
      case "PostgreSQL", "MariaDB" -> Optional.of(TARGET_RATIO);
      default -> Optional.empty();
    };
  }

  /**
   * Every operation that has a target, with the baseline it is judged against, as
   * {@link PairedBenchmarks#pair} values: {@code backend:operation:baseline}.
   */
  static List<String> pairs() {
    List<String> pairs = new ArrayList<>();
    Map<String, Class<?>> classes = new LinkedHashMap<>();
    classes.put("Redis", RedisBenchmarks.class);
    classes.put("PostgreSQL", JdbcBenchmarks.class);
    classes.put("MariaDB", JdbcBenchmarks.class);
    classes.forEach((backend, type) -> {
      for (Map.Entry<String, List<String>> e : BASELINES.entrySet()) {
        if (targetRatio(backend, e.getKey()).isEmpty() || !hasMethod(type, e.getKey())) {
          continue;
        }
        e.getValue().stream().filter(b -> hasMethod(type, b)).findFirst()
            .ifPresent(b -> pairs.add(backend + ":" + e.getKey() + ":" + b));
      }
    });
    return pairs;
  }

  private static boolean hasMethod(Class<?> type, String name) {
    try {
      return type.getMethod(name).isAnnotationPresent(org.openjdk.jmh.annotations.Benchmark.class);
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  /**
   * An operation timed alternately with its baseline ({@link PairedBenchmarks}).
   *
   * @param ratio the operation's mean time over the baseline's, over all iterations
   * @param low the lowest ratio of one iteration
   * @param high the highest ratio of one iteration
   * @param iterations the measured iterations
   */
  record Paired(String backend, String operation, String baseline, double ratio, double low, double high,
      int iterations) {}

  /** The alternated ratios of a run. */
  static List<Paired> paired(List<RunResult> all) {
    List<Paired> paired = new ArrayList<>();
    for (RunResult r : all) {
      if (!"PairedBenchmarks".equals(benchmarkClass(r))) {
        continue;
      }
      String[] p = r.getParams().getParam("pair").split(":");
      double opNanos = 0;
      double opCalls = 0;
      double baseNanos = 0;
      double baseCalls = 0;
      double low = Double.POSITIVE_INFINITY;
      double high = Double.NEGATIVE_INFINITY;
      int n = 0;
      for (BenchmarkResult b : r.getBenchmarkResults()) {
        for (IterationResult i : b.getIterationResults()) {
          Map<String, Result> s = i.getSecondaryResults();
          double on = s.get("operationNanos").getScore();
          double oc = s.get("operationCalls").getScore();
          double bn = s.get("baselineNanos").getScore();
          double bc = s.get("baselineCalls").getScore();
          if (oc == 0 || bc == 0 || bn == 0) {
            continue;
          }
          double ratio = on / oc / (bn / bc);
          low = Math.min(low, ratio);
          high = Math.max(high, ratio);
          opNanos += on;
          opCalls += oc;
          baseNanos += bn;
          baseCalls += bc;
          n++;
        }
      }
      if (n > 0) {
        paired.add(new Paired(p[0], p[1], p[2], opNanos / opCalls / (baseNanos / baseCalls), low, high, n));
      }
    }
    return paired;
  }

  /** The benchmark's parameters ({@code @Param}), as {@code database=postgres}. */
  static String params(RunResult r) {
    StringBuilder sb = new StringBuilder();
    for (String key : r.getParams().getParamsKeys()) {
      sb.append(sb.length() == 0 ? "" : ",").append(key).append('=').append(r.getParams().getParam(key));
    }
    return sb.toString();
  }

  /** A result's score in microseconds per operation (or per shot). */
  static double micros(RunResult r) {
    return micros(r.getPrimaryResult().getScore(), r);
  }

  static double micros(double value, RunResult r) {
    String unit = r.getPrimaryResult().getScoreUnit();
    TimeUnit from = unit.startsWith("ns") ? TimeUnit.NANOSECONDS : unit.startsWith("ms") ? TimeUnit.MILLISECONDS
        : unit.startsWith("s/") ? TimeUnit.SECONDS : TimeUnit.MICROSECONDS;
    return value * from.toNanos(1) / 1000.0;
  }

  static void print(Collection<RunResult> results) {
    List<RunResult> all = new ArrayList<>(results);
    System.out.println();
    System.out.printf(Locale.ROOT, "%-64s %3s %12s %10s  %s%n", "benchmark", "thr", "us/op", "error", "ratio");
    for (RunResult r : all) {
      Optional<RunResult> b = baselineOf(r, all);
      String ratio = b.map(x -> String.format(Locale.ROOT, "x%.2f of %s", micros(r) / micros(x), method(x))).orElse("");
      String p = params(r);
      String name = benchmarkClass(r) + "." + method(r) + (p.isEmpty() ? "" : " [" + p + "]");
      System.out.printf(Locale.ROOT, "%-64s %3d %12.2f %10.2f  %s%n", name, r.getParams().getThreads(), micros(r),
          micros(r.getPrimaryResult().getScoreError(), r), ratio);
    }
    for (Paired p : paired(all)) {
      System.out.printf(Locale.ROOT, "%-64s alternated: x%.2f of %s (iterations x%.2f to x%.2f)%n",
          p.backend() + " " + p.operation(), p.ratio(), p.baseline(), p.low(), p.high());
    }
  }

  /** Today, for the report. */
  static String today() {
    return LocalDate.now(ZoneOffset.UTC).toString();
  }
}
