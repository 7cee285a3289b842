package dev.idempotency.testkit;

import dev.idempotency.spi.Backend;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.LockStore;
import dev.idempotency.spi.MarkStore;
import dev.idempotency.spi.RateLimitStore;
import dev.idempotency.spi.StateStore;
import dev.idempotency.spi.StockStore;
import java.time.Duration;
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
 * {@link FencingContract}, {@link StockReservationContract}, {@link RateLimitContract} and
 * {@link NearCacheContract}. Each can also be extended on its own.
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

  @AfterEach
  void closeFixture() {
    fixture.close();
  }

  /** {@link TamperedRecordContract} on this backend. */
  @Nested
  class TamperedRecords extends TamperedRecordContract {
    @Override
    protected IdempotencyStore newClient() {
      return fixture.newClient().idempotencyStore();
    }

    @Override
    protected void advance(Duration d) throws InterruptedException {
      fixture.advance(d);
    }
  }

  /** {@link BadInputContract} on this backend. */
  @Nested
  class BadInput extends BadInputContract {
    @Override
    protected Backend backend() {
      return fixture.newClient();
    }

    @Override
    protected long storedEntries() {
      return fixture.storedEntries();
    }

    @Override
    protected void advance(Duration d) throws InterruptedException {
      fixture.advance(d);
    }
  }

  /** {@link IdempotentCallContract} on this backend. */
  @Nested
  class IdempotentCall extends IdempotentCallContract {
    @Override
    protected IdempotencyStore newClient() {
      return fixture.newClient().idempotencyStore();
    }

    @Override
    protected void advance(Duration d) throws InterruptedException {
      fixture.advance(d);
    }
  }

  /** {@link IdempotentProxyContract} on this backend. */
  @Nested
  class IdempotentProxy extends IdempotentProxyContract {
    @Override
    protected IdempotencyStore newClient() {
      return fixture.newClient().idempotencyStore();
    }

    @Override
    protected void advance(Duration d) throws InterruptedException {
      fixture.advance(d);
    }
  }

  /** {@link OneTimeTokenContract} on this backend. */
  @Nested
  class OneTimeToken extends OneTimeTokenContract {
    @Override
    protected MarkStore newClient() {
      return fixture.newClient().tokenStore();
    }

    @Override
    protected void advance(Duration d) throws InterruptedException {
      fixture.advance(d);
    }
  }

  /** {@link LockContract} on this backend. */
  @Nested
  class Lock extends LockContract {
    @Override
    protected LockStore newClient() {
      return fixture.newClient().lockStore();
    }

    @Override
    protected void advance(Duration d) throws InterruptedException {
      fixture.advance(d);
    }
  }

  /** {@link DedupContract} on this backend. */
  @Nested
  class Dedup extends DedupContract {
    @Override
    protected MarkStore newClient() {
      return fixture.newClient().dedupStore();
    }

    @Override
    protected void advance(Duration d) throws InterruptedException {
      fixture.advance(d);
    }
  }

  /** {@link StateMachineContract} on this backend. */
  @Nested
  class StateMachines extends StateMachineContract {
    @Override
    protected StateStore newClient() {
      return fixture.newClient().stateStore("orders");
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
    protected StockStore newClient() {
      return fixture.newClient().stockStore();
    }

    @Override
    protected void advance(Duration d) throws InterruptedException {
      fixture.advance(d);
    }
  }

  /** {@link RateLimitContract} on this backend. */
  @Nested
  class RateLimits extends RateLimitContract {
    @Override
    protected RateLimitStore newClient() {
      return fixture.newClient().rateLimitStore();
    }

    @Override
    protected void advance(Duration d) throws InterruptedException {
      fixture.advance(d);
    }
  }

  /** {@link NearCacheContract} in front of this backend's idempotency store. */
  @Nested
  class NearCaches extends NearCacheContract {
    @Override
    protected IdempotencyStore newClient() {
      return fixture.newClient().idempotencyStore();
    }
  }
}
