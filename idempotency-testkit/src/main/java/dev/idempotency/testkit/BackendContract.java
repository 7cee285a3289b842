package dev.idempotency.testkit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;

/**
 * The whole behaviour contract of a backend, as one test class: extend it with the backend's
 * {@link BackendFixture} and every suite runs against it, each as a nested class.
 *
 * <pre>{@code
 * class MyBackendContractTest extends BackendContract {
 *   @Override
 *   protected BackendFixture newFixture() {
 *     return new MyBackendFixture();
 *   }
 * }
 * }</pre>
 *
 * <p>The suites, one per strategy, state the rules in {@code docs/contract.md}:
 * {@link IdempotentCallContract}, {@link IdempotentProxyContract}, {@link OneTimeTokenContract},
 * {@link LockContract}, {@link DedupContract}, {@link StateMachineContract},
 * {@link FencingContract}, {@link StockReservationContract}, {@link RateLimitContract},
 * {@link IntentOutcomeContract} and {@link NearCacheContract}. Each can also be extended on its own.
 */
public abstract class BackendContract {

  /** For subclasses: a backend's fixture or test class. */
  protected BackendContract() {}
  private final BackendFixture fixture = newFixture();

  /**
   * Creates the fixture of one test.
   *
   * @return the fixture
   */
  protected abstract BackendFixture newFixture();

  /**
   * This test's fixture, for suites a subclass adds.
   *
   * @return the fixture
   */
  protected final BackendFixture backendFixture() {
    return fixture;
  }

  @AfterEach
  void closeFixture() {
    fixture.close();
  }

  // Every suite takes its clients and its clock from fixture(); each adapter below only hands it
  // this test's fixture (JUnit needs one nested class per suite).

  /** {@link TamperedRecordContract} on this backend. */
  @Nested
  class TamperedRecords extends TamperedRecordContract {
    @Override
    protected BackendFixture fixture() {
      return fixture;
    }
  }

  /** {@link BadInputContract} on this backend. */
  @Nested
  class BadInput extends BadInputContract {
    @Override
    protected BackendFixture fixture() {
      return fixture;
    }
  }

  /** {@link IdempotentCallContract} on this backend. */
  @Nested
  class IdempotentCall extends IdempotentCallContract {
    @Override
    protected BackendFixture fixture() {
      return fixture;
    }
  }

  /** {@link IdempotentProxyContract} on this backend. */
  @Nested
  class IdempotentProxy extends IdempotentProxyContract {
    @Override
    protected BackendFixture fixture() {
      return fixture;
    }
  }

  /** {@link OneTimeTokenContract} on this backend. */
  @Nested
  class OneTimeToken extends OneTimeTokenContract {
    @Override
    protected BackendFixture fixture() {
      return fixture;
    }
  }

  /** {@link LockContract} on this backend. */
  @Nested
  class Lock extends LockContract {
    @Override
    protected BackendFixture fixture() {
      return fixture;
    }
  }

  /** {@link DedupContract} on this backend. */
  @Nested
  class Dedup extends DedupContract {
    @Override
    protected BackendFixture fixture() {
      return fixture;
    }
  }

  /** {@link StateMachineContract} on this backend. */
  @Nested
  class StateMachines extends StateMachineContract {
    @Override
    protected BackendFixture fixture() {
      return fixture;
    }
  }

  /** {@link FencingContract} on this backend. */
  @Nested
  class Fencing extends FencingContract {
    @Override
    protected BackendFixture fixture() {
      return fixture;
    }
  }

  /** {@link StockReservationContract} on this backend. */
  @Nested
  class StockReservation extends StockReservationContract {
    @Override
    protected BackendFixture fixture() {
      return fixture;
    }
  }

  /** {@link RateLimitContract} on this backend. */
  @Nested
  class RateLimits extends RateLimitContract {
    @Override
    protected BackendFixture fixture() {
      return fixture;
    }
  }

  /** {@link IntentOutcomeContract} on this backend. */
  @Nested
  class IntentOutcomes extends IntentOutcomeContract {
    @Override
    protected BackendFixture fixture() {
      return fixture;
    }
  }

  /** {@link NearCacheContract} on this backend. */
  @Nested
  class NearCaches extends NearCacheContract {
    @Override
    protected BackendFixture fixture() {
      return fixture;
    }
  }
}
