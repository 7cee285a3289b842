package dev.idempotency.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.openjdk.jmh.results.RunResult;

/**
 * Writes a run as {@code README.md} (every figure, its raw baseline, ratio, target and whether it is
 * met, with the machine, date, versions and JMH settings) and {@code ratios.svg} (the ratios per
 * operation and backend, as bars against the target).
 */
final class Markdown {
  private Markdown() {}

  /**
   * One row of the operations table.
   *
   * @param ratio the operation's time over its baseline's, each measured on its own
   * @param alternated the same ratio with the two called alternately ({@link PairedBenchmarks}),
   *     where measured (1 thread, an operation with a target): the ratio a target is judged on
   */
  record Row(String backend, String operation, int threads, double micros, double error, String baseline,
      double baselineMicros, Double ratio, Report.Paired alternated, String target, Boolean met) {

    /** The ratio the verdict and the chart use: the alternated one where measured. */
    Double verdictRatio() {
      return alternated != null ? Double.valueOf(alternated.ratio()) : ratio;
    }
  }

  static List<Row> rows(List<RunResult> all) {
    List<Row> rows = new ArrayList<>();
    List<Report.Paired> paired = Report.paired(all);
    for (RunResult r : all) {
      String m = Report.method(r);
      String cls = Report.benchmarkClass(r);
      if (m.startsWith("baseline") || "StormBenchmarks".equals(cls) || "PairedBenchmarks".equals(cls)) {
        continue;
      }
      Optional<RunResult> b = Report.baselineOf(r, all);
      double micros = Report.micros(r);
      double error = Report.micros(r.getPrimaryResult().getScoreError(), r);
      Double ratio = b.map(x -> micros / Report.micros(x)).orElse(null);
      int threads = r.getParams().getThreads();
      Report.Paired alternated = threads != 1 ? null : paired.stream()
          .filter(p -> p.backend().equals(Report.backend(r)) && p.operation().equals(m)).findFirst().orElse(null);
      Double verdict = alternated != null ? Double.valueOf(alternated.ratio()) : ratio;
      String target = null;
      Boolean met = null;
      if ("nearCacheReplay".equals(m)) {
        target = String.format(Locale.ROOT, "< %.0f µs, 0 round trips", Report.NEAR_CACHE_TARGET_MICROS);
        met = micros < Report.NEAR_CACHE_TARGET_MICROS;
      } else if (verdict != null && Report.targetRatio(r).isPresent()) {
        double t = Report.targetRatio(r).get();
        target = String.format(Locale.ROOT, "≤ x%.2f", t);
        met = verdict <= t;
      }
      rows.add(new Row(Report.backend(r), m, threads, micros, error,
          b.map(Report::method).orElse(null), b.map(Report::micros).orElse(Double.NaN), ratio, alternated, target, met));
    }
    return rows;
  }

  static void write(Path dir, Report.Results results, String command) throws IOException {
    Files.createDirectories(dir);
    List<Row> rows = rows(results.jmh());
    StringBuilder md = new StringBuilder();
    md.append("# Benchmarks\n\n");
    md.append("Written by one command on ").append(Report.today()).append(" (do not edit; run it again):\n\n");
    md.append("```bash\nmvn -B -q package -DskipTests\n").append(command).append("\n```\n\n");
    md.append("It needs the servers the tests use (Redis, PostgreSQL, MariaDB on 127.0.0.1, or the variables "
        + "`IDEMPOTENCY_REDIS_URI`, `IDEMPOTENCY_POSTGRES_URL`, `IDEMPOTENCY_MARIADB_URL`) and, for the HTTP "
        + "path, `wrk` and the order service's jar (`mvn -B -q package -DskipTests` builds it).\n\n");
    for (String line : results.machine().lines()) {
      md.append("- ").append(line).append('\n');
    }
    md.append("- JMH: ").append(settings(results)).append('\n');
    md.append("\nEach operation runs beside its raw baseline: the same work done by hand through the same "
        + "client and pool, in the same run. Absolute times on a shared 2-core machine are noisy; the ratio is "
        + "the figure. Targets are the performance issue's: on Redis the first call, replay, lock, token, dedup "
        + "and transition within x1.15 of their baselines; on PostgreSQL and MariaDB every operation; a "
        + "near-cache replay under a microsecond with no round trip; 500 waiters on one key at most about 2 "
        + "server commands each.\n\n");
    md.append("![ratio of each operation to its raw baseline](ratios.svg)\n\n");

    List<Row> missed = rows.stream().filter(r -> Boolean.FALSE.equals(r.met())).toList();
    List<Report.Storm> stormsMissed = new ArrayList<>();
    md.append("## Operations\n\n");
    md.append("The columns up to *ratio* come from each benchmark run on its own, one after the other. *Alternated* "
        + "is the ratio with the operation and its baseline called in turn, one call each, in one benchmark "
        + "(`PairedBenchmarks`), over 8 one-second iterations, with the lowest and highest ratio of one iteration: "
        + "it is free of what drifts between two runs a minute apart, and it is the ratio a target is judged on "
        + "where it is measured.\n\n");
    md.append("| backend | operation | threads | µs/op | ± (99.9%) | raw baseline | baseline µs/op | ratio "
        + "| alternated (iterations) | target | met |\n");
    md.append("| --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- | --- |\n");
    for (Row r : rows) {
      md.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |%n", r.backend(),
          r.operation(), r.threads(), num(r.micros()), num(r.error()), r.baseline() == null ? "—" : "`" + r.baseline() + "`",
          r.baseline() == null ? "—" : num(r.baselineMicros()), r.ratio() == null ? "—" : String.format(Locale.ROOT, "x%.2f", r.ratio()),
          r.alternated() == null ? "—" : String.format(Locale.ROOT, "x%.2f (x%.2f–x%.2f)", r.alternated().ratio(),
              r.alternated().low(), r.alternated().high()),
          r.target() == null ? "—" : r.target(), r.met() == null ? "—" : r.met() ? "yes" : "**no**"));
    }
    md.append("\nRaw baselines. Redis: `baselineCallFirst` is `SET NX PX` then `SET PX`; `baselineCallReplay` a `GET`; "
        + "`baselineLockAcquireAndRelease` `SET NX PX` then a compare-and-delete script; `baselineTokenIssueAndConsume` "
        + "`SET PX` then `DEL`; `baselineSetNx` one `SET NX PX`; `baselineStockReserveAndRelease` two `HINCRBY`; "
        + "`baselineRateLimitAcquire` one `INCR`. JDBC (auto-commit; every `INSERT` conflict-free, "
        + "as a claim or a mark written by hand must be: `ON CONFLICT DO NOTHING` on PostgreSQL, `INSERT IGNORE` on "
        + "MariaDB, `MERGE` on H2): `baselineCallFirst` an `INSERT` then an `UPDATE` "
        + "of the row; `baselineInsert` one `INSERT`; `baselineLockAcquireAndRelease` an `INSERT` then a `DELETE`; "
        + "`baselineStateTransition` one conditional `UPDATE`; `baselineStockReserveAndRelease` two conditional "
        + "`UPDATE`s. In memory: a `ConcurrentHashMap`. Proxies: the same engine called by hand "
        + "(`baselineDirect*`).\n\n");

    md.append("## Storms\n\n");
    md.append("500 callers at once, one shot each; the time is until every caller has its answer. Store calls "
        + "are counted on the client (one round trip each on Redis); server commands are Redis's "
        + "`INFO commandstats` (commands inside scripts count too) and MariaDB's `Questions`.\n\n");
    md.append("| backend | storm | callers | ms until all resolved | executions (expected) | store calls per caller "
        + "| server commands per caller | target | met |\n");
    md.append("| --- | --- | ---: | ---: | --- | ---: | ---: | --- | --- |\n");
    Map<String, List<Report.Storm>> byStorm = results.storms().stream().collect(Collectors.groupingBy(
        s -> s.backend() + "|" + s.storm(), LinkedHashMap::new, Collectors.toList()));
    for (RunResult r : results.jmh()) {
      if (!"StormBenchmarks".equals(Report.benchmarkClass(r))) {
        continue;
      }
      String backend = r.getParams().getParam("backend");
      String storm = switch (Report.method(r)) {
        case "awaitStorm" -> "await";
        case "rejectStorm" -> "reject";
        default -> "flash-sale";
      };
      List<Report.Storm> shots = byStorm.getOrDefault(backend + "|" + storm, List.of());
      if (shots.isEmpty()) {
        continue;
      }
      Report.Storm first = shots.get(0);
      boolean exact = shots.stream().allMatch(s -> s.executions() == s.expected());
      double calls = average(shots, s -> (double) s.storeCalls() / s.callers());
      double commands = shots.get(0).serverCommands() < 0 ? -1 : average(shots, s -> (double) s.serverCommands() / s.callers());
      String target = "await".equals(storm) ? String.format(Locale.ROOT, "exactly %d; ≤ %.0f commands per caller",
          first.expected(), Report.AWAIT_COMMANDS_TARGET) : "exactly " + first.expected();
      boolean met = exact && (!"await".equals(storm) || commands < 0 || commands <= Report.AWAIT_COMMANDS_TARGET + 0.05);
      if (!met) {
        stormsMissed.add(first);
      }
      md.append(String.format(Locale.ROOT, "| %s | %s | %d | %.1f ± %.1f | %s (%d) | %.2f | %s | %s | %s |%n",
          label(backend), storm, first.callers(), Report.micros(r) / 1000, Report.micros(r.getPrimaryResult().getScoreError(), r) / 1000,
          shots.stream().map(s -> Integer.toString(s.executions())).distinct().collect(Collectors.joining(", ")),
          first.expected(), calls, commands < 0 ? "—" : String.format(Locale.ROOT, "%.2f", commands), target,
          met ? "yes" : "**no**"));
    }

    md.append("\n## HTTP: the order service\n\n");
    if (results.http().isEmpty()) {
      md.append(Http.whyNot()).append("\n");
    } else {
      md.append(Http.describe()).append("\n\n");
      md.append("| endpoint | requests/s | p50 ms | p99 ms | non-2xx | server CPU µs per request | CPU per request to no defence |\n");
      md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
      Http.Result plain = results.http().get(0);
      for (Http.Result h : results.http()) {
        md.append(String.format(Locale.ROOT, "| %s | %.0f | %.2f | %.2f | %d | %.0f | %s |%n", h.name(),
            h.requestsPerSecond(), h.p50Millis(), h.p99Millis(), h.non2xx(), h.cpuMicrosPerRequest(),
            h.ratioTo(plain)));
      }
      md.append(String.format(Locale.ROOT, "%nMedians of %d alternated round(s) in each of %d service JVM(s).%n",
          plain.rounds(), plain.forks()));
    }

    md.append("\n## Redis: what the server spends per operation, and a record's bytes\n\n")
        .append(RedisServerCost.markdown(results.redisServer()));

    md.append("\n## Targets missed\n\n");
    if (missed.isEmpty() && stormsMissed.isEmpty()) {
      md.append("None in this run.\n");
    } else {
      for (Row r : missed) {
        md.append(String.format(Locale.ROOT, "- %s %s (%d thread%s): %s against a target of %s.%n", r.backend(),
            r.operation(), r.threads(), r.threads() == 1 ? "" : "s",
            r.ratio() == null || "nearCacheReplay".equals(r.operation()) ? num(r.micros()) + " µs"
                : String.format(Locale.ROOT, "x%.2f", r.verdictRatio()), r.target()));
      }
      for (Report.Storm s : stormsMissed) {
        md.append("- the ").append(s.storm()).append(" storm on ").append(label(s.backend())).append('\n');
      }
      md.append("\nWhy, and what was tried: docs/performance.md.\n");
    }
    Files.writeString(dir.resolve("README.md"), md.toString(), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("ratios.svg"), Chart.svg(rows), StandardCharsets.UTF_8);
  }

  private static String settings(Report.Results results) {
    if (results.jmh().isEmpty()) {
      return "no results";
    }
    var p = results.jmh().get(0).getParams();
    return String.format(Locale.ROOT, "%s profile; %d fork, warmup %d × %s, measurement %d × %s, average time per "
        + "operation, 1 thread (the first call and replay also at 4); storms single shot, %d warmup + %d measured",
        results.profile().name().toLowerCase(Locale.ROOT), p.getForks(), p.getWarmup().getCount(), p.getWarmup().getTime(),
        p.getMeasurement().getCount(), p.getMeasurement().getTime(),
        results.profile() == Report.Profile.FULL ? 1 : 0, results.profile() == Report.Profile.FULL ? 5 : 1);
  }

  private static double average(List<Report.Storm> shots, Function<Report.Storm, Double> f) {
    return shots.stream().mapToDouble(f::apply).average().orElse(Double.NaN);
  }

  static String label(String backend) {
    return switch (backend) {
      case "memory" -> "in-memory";
      case "redis" -> "Redis";
      case "postgres" -> "PostgreSQL";
      case "mariadb" -> "MariaDB";
      default -> "H2";
    };
  }

  private static String num(double v) {
    if (Double.isNaN(v)) {
      return "—";
    }
    return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : v >= 1 ? String.format(Locale.ROOT, "%.1f", v)
        : String.format(Locale.ROOT, "%.3f", v);
  }
}
