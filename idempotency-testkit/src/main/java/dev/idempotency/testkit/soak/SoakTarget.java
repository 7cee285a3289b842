package dev.idempotency.testkit.soak;

import dev.idempotency.spi.Backend;
import java.util.Map;

/**
 * How a soak worker process opens the backend under test. An implementation is a public class with
 * a public no-argument constructor on the test class path; each worker JVM creates one by name and
 * opens one {@link Backend} with it, with connections of its own, as another service instance would.
 */
public interface SoakTarget {

  /**
   * Opens a client of the store under test.
   *
   * @param settings what the test passed to {@link Soak.Builder#setting(String, String)} (a URI, a
   *     table prefix, a password)
   * @return an open backend; the worker closes it when done
   */
  Backend open(Map<String, String> settings);
}
