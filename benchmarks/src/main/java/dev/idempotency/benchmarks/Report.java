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

  static void print(Collection<RunResult> results) {
    List<RunResult> all = new ArrayList<>(results);
    System.out.println();
    System.out.printf(Locale.ROOT, "%-60s %14s %10s  %s%n", "benchmark", "score", "error", "ratio to baselines");
    for (RunResult r : all) {
      String label = r.getParams().getBenchmark();
      String cls = label.substring(0, label.lastIndexOf('.'));
      double score = r.getPrimaryResult().getScore();
      StringBuilder ratios = new StringBuilder();
      for (RunResult b : all) {
        String bl = b.getParams().getBenchmark();
        if (bl.startsWith(cls + ".baseline") && b != r) {
          ratios.append(String.format(Locale.ROOT, "%s x%.2f  ", bl.substring(bl.lastIndexOf('.') + 1),
              score / b.getPrimaryResult().getScore()));
        }
      }
      System.out.printf(Locale.ROOT, "%-60s %10.1f %-3s %10.1f  %s%n", label.substring(label.lastIndexOf('.', label.lastIndexOf('.') - 1) + 1),
          score, r.getPrimaryResult().getScoreUnit(), r.getPrimaryResult().getScoreError(), ratios);
    }
  }
}
