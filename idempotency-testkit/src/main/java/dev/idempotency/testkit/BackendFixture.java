package dev.idempotency.testkit;

import dev.idempotency.spi.Backend;
import java.time.Duration;

/**
 * What the contract needs of a backend under test: clients of one shared store, and a way to let
 * time pass. One implementation per backend (in memory, each database, Redis standalone and
 * Cluster) is all it takes to run every suite of {@link BackendContract} against it.
 *
 * <p>A fixture is created for each test and closed after it.
 */
public interface BackendFixture extends AutoCloseable {

  /**
   * A client of the backend under test: for a server backend a new {@link Backend} with connections
   * of its own (as another service instance would have), seeing the same data as every other
   * client of this fixture; for the in-memory backend the same instance. The fixture closes what it
   * opened in {@link #close()}.
   *
   * @return a client
   */
  Backend newClient();

  /**
   * Lets the backend's time pass: a manual time source's advance in memory, a sleep for a server
   * (whose suites keep leases short so that waits stay bounded).
   *
   * @param d how far
   * @throws InterruptedException if a sleep is interrupted
   */
  default void advance(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }

  /**
   * Counts what the backend under test holds now, in this fixture's own key space (its Redis key
   * prefix, its tables): records, tokens, locks, marks, states, stock and rate-limit rows, expired
   * ones included where the backend keeps them. The bad-input corpus compares it before and after
   * each refused call, to prove that nothing was written.
   *
   * @return the count
   * @throws UnsupportedOperationException unless the fixture implements it (the corpus then fails,
   *     saying so)
   */
  default long storedEntries() {
    throw new UnsupportedOperationException(getClass().getName()
        + " does not implement storedEntries(), which the bad-input corpus needs to inspect the store");
  }

  /** Closes every client this fixture opened. */
  @Override
  default void close() {}
}
