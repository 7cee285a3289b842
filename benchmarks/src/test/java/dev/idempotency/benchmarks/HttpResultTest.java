package dev.idempotency.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HttpResultTest {

  private static Http.Result path(Double... cpuPerFork) {
    return new Http.Result("p", 1, 1, 1, 0, Http.median(List.of(cpuPerFork).stream().mapToDouble(d -> d).toArray()),
        3, List.of(cpuPerFork));
  }

  @Test
  void aRatioIsTakenJvmByJvmAndReportedAsTheirMedianWithTheirRange() {
    Http.Result none = path(100.0, 200.0, 150.0);
    Http.Result full = path(140.0, 300.0, 180.0);
    // Per JVM: 1.40, 1.50, 1.20; the ratio of the medians (180 / 150 = 1.20) would hide the JVM at 1.50.
    assertThat(full.ratiosTo(none)).containsExactly(1.40, 1.50, 1.20);
    assertThat(full.ratioTo(none)).isEqualTo("x1.40 (x1.20–x1.50)");
  }

  @Test
  void oneJvmHasNoRange() {
    assertThat(path(130.0).ratioTo(path(100.0))).isEqualTo("x1.30");
  }
}
