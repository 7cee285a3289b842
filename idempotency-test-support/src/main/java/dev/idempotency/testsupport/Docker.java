package dev.idempotency.testsupport;

import java.io.File;

/**
 * Whether the backend tests can start their servers with Testcontainers: a Docker socket or
 * {@code DOCKER_HOST} is there and Testcontainers (when it is on the test class path) reaches the
 * engine. Without either, the fixtures fall back to the local default server, and without that they
 * fail with a message saying what to start.
 */
public final class Docker {
  private Docker() {}

  /**
   * Checks for a reachable Docker engine.
   *
   * @return true if Testcontainers can be used
   */
  public static boolean present() {
    boolean hint = System.getenv("DOCKER_HOST") != null || new File("/var/run/docker.sock").exists();
    if (!hint) {
      return false;
    }
    try {
      Class<?> factory = Class.forName("org.testcontainers.DockerClientFactory");
      Object instance = factory.getMethod("instance").invoke(null);
      return (Boolean) factory.getMethod("isDockerAvailable").invoke(instance);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return false;
    }
  }
}
