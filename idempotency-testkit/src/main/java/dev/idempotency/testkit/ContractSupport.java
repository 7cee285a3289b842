package dev.idempotency.testkit;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;

/**
 * What every contract suite shares: unique names per test (so suites need no cleanup and can share
 * a server), time control, and a helper thread pool.
 *
 * <p>A backend whose expiry is the application's (in-memory) moves a {@link ManualTime} in
 * {@link #advance}; a server backend sleeps, and the suites keep such leases short
 * ({@link #SHORT}) so waits stay bounded.
 */
public abstract class ContractSupport {

  /** For subclasses: a backend's fixture or test class. */
  protected ContractSupport() {}
  /** The lease, retention or TTL of tests that let something expire. */
  protected static final Duration SHORT = Duration.ofMillis(600);
  /** Just past {@link #SHORT}: advancing by it expires what was set with {@link #SHORT}. */
  protected static final Duration PAST_SHORT = Duration.ofMillis(800);
  /** A lease nothing in a test outlives. */
  protected static final Duration LONG = Duration.ofSeconds(60);

  private final ExecutorService background = Executors.newCachedThreadPool();

  /** A namespace no other test uses. */
  protected final String ns = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);

  /**
   * Moves the backend's time forward: a manual time source's advance, or a sleep for a server.
   *
   * @param d how far
   * @throws InterruptedException if a sleep is interrupted
   */
  protected void advance(Duration d) throws InterruptedException {
    fixture().advance(d);
  }

  /**
   * The fixture of the backend under test. {@link BackendContract} passes its own; a suite extended
   * alone either overrides this or overrides {@code newClient()} and {@link #advance}.
   *
   * @return the fixture
   * @throws IllegalStateException if neither was overridden
   */
  protected BackendFixture fixture() {
    throw new IllegalStateException(getClass().getName()
        + " must override fixture(), or newClient() and advance(Duration)");
  }

  /**
   * Runs a task on a background thread.
   *
   * @param <R> the result type
   * @param task the task
   * @return its future
   */
  protected <R> Future<R> inBackground(Callable<R> task) {
    return background.submit(task);
  }

  /**
   * Waits (boundedly, 10 s) until a condition holds.
   *
   * @param what what is awaited, for the failure message
   * @param condition the condition
   * @throws InterruptedException if interrupted
   */
  protected static void awaitCondition(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(5);
    }
  }

  @AfterEach
  void stopBackground() {
    background.shutdownNow();
  }
}
