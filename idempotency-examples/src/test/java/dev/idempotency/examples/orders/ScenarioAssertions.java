package dev.idempotency.examples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.examples.orders.demo.Scenarios;
import java.util.List;

/** Runs the demo's scenarios against a started service and asserts every figure. */
final class ScenarioAssertions {
  private ScenarioAssertions() {}

  static void allHold(Scenarios.Report r) {
    List<Scenarios.Check> failed = r.checks().stream().filter(c -> !c.ok()).toList();
    assertThat(failed).as("scenario (%s) %s: %s, layers %s, responses %s", r.id(), r.title(), r.checks(), r.layers(),
        r.responses()).isEmpty();
  }
}
