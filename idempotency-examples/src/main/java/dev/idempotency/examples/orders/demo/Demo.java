package dev.idempotency.examples.orders.demo;

import dev.idempotency.examples.orders.OrderServiceApplication;
import dev.idempotency.examples.orders.OrdersProperties;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code order-service.jar demo}: starts the service on a free port (embedded defaults unless Spring
 * arguments say otherwise), runs the scenarios over HTTP, prints a report per scenario (requests,
 * orders created, stock left, HTTP statuses, and what each layer let through or stopped), and returns
 * 0 if every check holds; 2, naming each server and how to start it, if a server its settings name
 * does not answer (checked before the service starts). {@code --json} prints the same as one JSON object instead.
 */
public final class Demo {
  private Demo() {}

  /**
   * Runs the demo.
   *
   * @param args {@code --json} and Spring Boot's arguments
   * @return the exit status: 0 if every check holds, 1 if one does not, 2 if the demo could not run
   */
  public static int run(String[] args) {
    boolean asJson = false;
    List<String> spring = new ArrayList<>();
    for (String a : args) {
      if (a.equals("--json")) {
        asJson = true;
      } else {
        spring.add(a);
      }
    }
    try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(OrderServiceApplication.class)
        .properties("server.port=0", "orders.anti-pattern=true", "orders.visibility-timeout=500ms",
            "spring.main.banner-mode=off", "logging.level.root=WARN",
            "logging.level.dev.idempotency=ERROR", "logging.level.org.springframework=ERROR")
        .listeners(new Preflight())
        .run(spring.toArray(String[]::new))) {
      Map<String, Object> result = run(ctx);
      if (asJson) {
        System.out.println(ctx.getBean(JsonMapper.class).rebuild().enable(SerializationFeature.INDENT_OUTPUT).build()
            .writeValueAsString(result));
      } else {
        print(result);
      }
      return Boolean.TRUE.equals(result.get("ok")) ? 0 : 1;
    } catch (Preflight.Unreachable e) {
      System.err.println(e.getMessage());
      return 2;
    } catch (Exception e) {
      System.err.println("the demo failed: " + e);
      return 2;
    }
  }

  /** Runs every scenario against the started context and returns the report as a map. */
  static Map<String, Object> run(ConfigurableApplicationContext ctx) throws java.io.IOException {
    String port = ctx.getEnvironment().getProperty("local.server.port");
    Http http = new Http(URI.create("http://127.0.0.1:" + port), ctx.getBean(JsonMapper.class));
    Scenarios s = Scenarios.of(http, ctx);
    List<Scenarios.Report> reports = List.of(s.duplicateSubmissions(500), s.flashSale(500, 10),
        s.naiveFlashSale(500, 10), s.asyncRedelivery(100, 3), s.payAndShipTwice());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("backend", ctx.getBean(dev.idempotency.spi.Backend.class).name());
    out.put("database", ctx.getEnvironment().getProperty("spring.datasource.url"));
    out.put("queue", ctx.getBean(OrdersProperties.class).queue().name().toLowerCase(java.util.Locale.ROOT));
    List<Map<String, Object>> scenarios = new ArrayList<>();
    for (Scenarios.Report r : reports) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", r.id());
      m.put("title", r.title());
      m.put("requests", r.requests());
      m.put("ordersCreated", r.ordersCreated());
      m.put("stockLeft", r.stockLeft());
      m.put("responses", r.responses());
      m.put("layers", r.layers());
      m.put("checks", r.checks());
      m.put("ok", r.ok());
      scenarios.add(m);
    }
    out.put("scenarios", scenarios);
    out.put("ok", reports.stream().allMatch(Scenarios.Report::ok));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static void print(Map<String, Object> result) {
    System.out.printf("Order service demo: backend %s, database %s, queue %s%n%n", result.get("backend"),
        result.get("database"), result.get("queue"));
    for (Map<String, Object> s : (List<Map<String, Object>>) result.get("scenarios")) {
      System.out.printf("(%s) %s%n", s.get("id"), s.get("title"));
      System.out.printf("    requests %s, orders created %s%s, HTTP %s%n", s.get("requests"), s.get("ordersCreated"),
          s.get("stockLeft") == null ? "" : ", stock left " + s.get("stockLeft"), s.get("responses"));
      Map<String, Map<String, Long>> layers = (Map<String, Map<String, Long>>) s.get("layers");
      layers.forEach((layer, counts) -> System.out.printf("    %-24s %s%n", layer, counts));
      for (Scenarios.Check c : (List<Scenarios.Check>) s.get("checks")) {
        System.out.printf("    [%s] %s: expected %s, got %s%n", c.ok() ? "ok" : "FAILED", c.name(), c.expected(),
            c.actual());
      }
      System.out.println();
    }
    System.out.println(Boolean.TRUE.equals(result.get("ok")) ? "Every check holds." : "SOME CHECKS FAILED.");
  }
}
