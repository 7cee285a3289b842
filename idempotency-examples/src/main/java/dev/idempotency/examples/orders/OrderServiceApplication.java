package dev.idempotency.examples.orders;

import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Runs the order service.
 * <ul>
 *   <li>{@code java -jar order-service.jar demo [--json] [Spring arguments]}: starts the service on a
 *       free port, runs the demo scenarios against it over HTTP, prints the report (or one JSON
 *       object), and exits 0 if every figure is the expected one, 1 if not.</li>
 *   <li>{@code java -jar order-service.jar [serve] [Spring arguments]}: serves on port 8080
 *       ({@code --server.port=N}); profiles {@code redis}, {@code postgres} or {@code mariadb}, and
 *       {@code rabbitmq} switch to real servers on localhost.</li>
 * </ul>
 */
@SpringBootApplication
public class OrderServiceApplication {

  /** For Spring. */
  public OrderServiceApplication() {}

  /**
   * The entry point.
   *
   * @param args {@code demo}, {@code serve} or nothing, then Spring Boot's arguments
   */
  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("demo")) {
      System.exit(dev.idempotency.examples.orders.demo.Demo.run(Arrays.copyOfRange(args, 1, args.length)));
    }
    String[] rest = args.length > 0 && args[0].equals("serve") ? Arrays.copyOfRange(args, 1, args.length) : args;
    SpringApplication.run(OrderServiceApplication.class, rest);
  }
}
