package dev.idempotency.testkit.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

/** The soak's verdicts, shared by every backend's reliability tests. */
public final class SoakChecks {
  private SoakChecks() {}

  /**
   * Asserts what every soak must show: no key ran twice, no success without a stored result, no
   * exception outside the library's root, no action failure of its own, every answer the key's own,
   * and no worker cut off by its deadline. Prints the report as one {@code RELIABILITY} line, which
   * the table of docs/reliability.md is filled from.
   *
   * @param name the test's name in that line
   * @param report the soak's report
   * @param allowedTyped the library exceptions callers may have seen during this fault (simple class names)
   */
  public static void assertHeld(String name, Soak.Report report, String... allowedTyped) {
    System.out.println("RELIABILITY | " + name + " | " + report);
    assertThat(report.untyped()).as("exceptions outside the library's root: %s", report.untypedSamples()).isEmpty();
    assertThat(report.doubles()).as("keys whose action ran more than once").isEmpty();
    assertThat(report.lost()).as("keys answered with success but without a stored result").isEmpty();
    assertThat(report.effectFailures()).as("actions whose side-effect write failed").isZero();
    assertThat(report.wrongResults()).as("answers that were not the key's own").isZero();
    assertThat(report.timedOut()).as("a worker stopped at its deadline").isFalse();
    assertThat(report.typed().keySet()).as("library exceptions seen").isSubsetOf(Set.of(allowedTyped));
    assertThat(report.executed() + report.replayed()).as("successful calls").isPositive();
  }
}
