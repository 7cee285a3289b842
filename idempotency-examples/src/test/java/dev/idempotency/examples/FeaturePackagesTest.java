package dev.idempotency.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The order service reads as a model: its feature packages depend on each other in one direction
 * (web and demo on the features, flash sale on async and order, async on order), and nothing but the
 * application's entry point reaches into the demo, so the demo's scenarios and faults stay out of
 * the service code.
 */
class FeaturePackagesTest {
  private static final Path ROOT = Path.of("src/main/java/dev/idempotency/examples/orders");

  /** For each package, the packages of this service it must not reference. */
  private static final Map<String, List<String>> FORBIDDEN = Map.of(
      "order", List.of("async", "flashsale", "web", "demo"),
      "async", List.of("flashsale", "web", "demo"),
      "flashsale", List.of("web", "demo"),
      "web", List.of("demo"),
      "", List.of("async", "flashsale", "web"));

  @Test
  void featurePackagesDependOneWayAndOnlyTheEntryPointReachesTheDemo() throws IOException {
    for (Map.Entry<String, List<String>> e : FORBIDDEN.entrySet()) {
      for (Path file : sources(e.getKey())) {
        String text = Files.readString(file);
        for (String other : e.getValue()) {
          boolean allowed = file.endsWith("OrderServiceApplication.java") && other.equals("demo");
          if (!allowed) {
            assertThat(text).as("%s must not reference the %s package", file, other)
                .doesNotContain("dev.idempotency.examples.orders." + other + ".");
          }
        }
      }
    }
  }

  @Test
  void theServiceCodeNamesNoFaultInjectionOnlyItsSeam() throws IOException {
    for (String pkg : List.of("", "order", "async", "flashsale", "web")) {
      for (Path file : sources(pkg)) {
        assertThat(Files.readString(file)).as(file.toString()).doesNotContain("Chaos").doesNotContain("Scenarios");
      }
    }
  }

  private static List<Path> sources(String pkg) throws IOException {
    Path dir = pkg.isEmpty() ? ROOT : ROOT.resolve(pkg);
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".java")).collect(Collectors.toList());
    }
  }
}
