package dev.idempotency.examples.orders;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The order service in a JVM of its own (the test class path, {@link OrderServiceApplication}), so
 * that a test can kill it with SIGKILL mid-storm and start it again on the same port. Its output
 * goes to a file under {@code target/} for the failure message. Not thread-safe: one test drives it.
 */
final class ServiceProcess implements AutoCloseable {
  private static final Duration READY_WITHIN = Duration.ofSeconds(90);

  private final List<String> args;
  private final int port;
  private final Path log;
  private Process process;

  /**
   * @param name names the log file
   * @param port the HTTP port
   * @param properties Spring properties, {@code name=value}
   */
  ServiceProcess(String name, int port, List<String> properties) {
    this.port = port;
    this.args = new ArrayList<>(List.of("--server.port=" + port));
    properties.forEach(p -> args.add("--" + p));
    this.log = Path.of("target", name + "-service.log");
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Starts it and waits until its readiness probe says UP; fails with the end of its log otherwise. */
  void start() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
        "-cp", System.getProperty("java.class.path"), OrderServiceApplication.class.getName()));
    command.addAll(args);
    try {
      Files.createDirectories(log.getParent());
      process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long end = System.nanoTime() + READY_WITHIN.toNanos();
    while (System.nanoTime() < end) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the order service exited with " + process.exitValue() + ":\n" + tail());
      }
      try {
        HttpResponse<Void> r = client.send(HttpRequest.newBuilder(uri().resolve("/actuator/health/readiness"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      sleep(200);
    }
    close();
    throw new IllegalStateException("the order service was not ready within " + READY_WITHIN + ":\n" + tail());
  }

  /** SIGKILL: no shutdown hook, no graceful end of in-flight requests. */
  void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The last lines of its log. */
  String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          kill();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        kill();
      }
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
