package dev.idempotency.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs benchmarks and prints each strategy as a ratio of the raw baselines measured in the same
 * run (methods named {@code baseline*} of the same class). Takes JMH's own command-line options:
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar dev.idempotency.benchmarks.Report InMemoryBenchmarks -f 1 -wi 3 -i 5
 * }</pre>
 */
public final class Report {
  private Report() {}

  /**
   * Runs and reports.
   *
   * @param args JMH command-line options
   * @throws RunnerException if JMH fails
   * @throws CommandLineOptionException if the options are malformed
   */
  public static void main(String[] args) throws RunnerException, CommandLineOptionException {
    ChainedOptionsBuilder options = new OptionsBuilder().parent(new CommandLineOptions(args));
    Collection<RunResult> results = new Runner(options.build()).run();
    print(results);
  }

  /**
   * The baselines a benchmark is compared with: those sharing the longest name suffix with it
   * ({@code proxiedReplay} with {@code baselineDirectReplay}), or every baseline of its class when
   * none shares one.
   */
  static List<RunResult> baselinesOf(RunResult r, List<RunResult> all) {
    String label = r.getParams().getBenchmark();
    String cls = label.substring(0, label.lastIndexOf('.'));
    String method = label.substring(label.lastIndexOf('.') + 1);
    List<RunResult> candidates = new ArrayList<>();
    int best = 0;
    for (RunResult b : all) {
      String bl = b.getParams().getBenchmark();
      if (b == r || !bl.startsWith(cls + ".baseline") || !params(b).equals(params(r))) {
        continue;
      }
      int suffix = commonSuffix(method, bl.substring(bl.lastIndexOf('.') + 1));
      if (suffix > best && suffix >= 4) {
        best = suffix;
        candidates.clear();
      }
      if (suffix == best || best == 0) {
        candidates.add(b);
      }
    }
    return candidates;
  }

  /** The benchmark's parameters ({@code @Param}), as {@code database=postgres}. */
  static String params(RunResult r) {
    StringBuilder sb = new StringBuilder();
    for (String key : r.getParams().getParamsKeys()) {
      sb.append(sb.length() == 0 ? "" : ",").append(key).append('=').append(r.getParams().getParam(key));
    }
    return sb.toString();
  }

  private static int commonSuffix(String a, String b) {
    int n = 0;
    while (n < a.length() && n < b.length() && a.charAt(a.length() - 1 - n) == b.charAt(b.length() - 1 - n)) {
      n++;
    }
    return n;
  }

  static void print(Collection<RunResult> results) {
    List<RunResult> all = new ArrayList<>(results);
    System.out.println();
    System.out.printf(Locale.ROOT, "%-60s %14s %10s  %s%n", "benchmark", "score", "error", "ratio to baselines");
    for (RunResult r : all) {
      String label = r.getParams().getBenchmark();
      double score = r.getPrimaryResult().getScore();
      StringBuilder ratios = new StringBuilder();
      if (!label.substring(label.lastIndexOf('.') + 1).startsWith("baseline")) {
        for (RunResult b : baselinesOf(r, all)) {
          String bl = b.getParams().getBenchmark();
          ratios.append(String.format(Locale.ROOT, "%s x%.2f  ", bl.substring(bl.lastIndexOf('.') + 1),
              score / b.getPrimaryResult().getScore()));
        }
      }
      String name = label.substring(label.lastIndexOf('.', label.lastIndexOf('.') - 1) + 1);
      String p = params(r);
      System.out.printf(Locale.ROOT, "%-60s %10.1f %-6s %10.1f  %s%n", p.isEmpty() ? name : name + " [" + p + "]",
          score, r.getPrimaryResult().getScoreUnit(), r.getPrimaryResult().getScoreError(), ratios);
    }
  }
}
