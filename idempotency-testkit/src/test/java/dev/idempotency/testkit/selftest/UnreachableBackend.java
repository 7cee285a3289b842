package dev.idempotency.testkit.selftest;

import dev.idempotency.spi.Backend;
import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.LockStore;
import dev.idempotency.spi.MarkStore;
import dev.idempotency.spi.RateLimitStore;
import dev.idempotency.spi.StateStore;
import dev.idempotency.spi.StockStore;
import dev.idempotency.spi.StoredRecord;
import dev.idempotency.stock.ConfirmOutcome;
import dev.idempotency.stock.ReleaseOutcome;
import dev.idempotency.stock.Reservation;
import dev.idempotency.stock.ReservationResult;
import dev.idempotency.stock.StockLevels;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Stores whose backend is down: every call fails the way a driver does when its server is gone
 * (a raw runtime exception caused by {@link ConnectException}), so tests can check that the core
 * turns it into {@link dev.idempotency.StoreUnavailableException} and that layered defences apply
 * their failure policy. Backends test the real thing against a stopped server.
 */
public final class UnreachableBackend implements Backend {
  private final String name;

  /**
   * A backend that fails every call.
   *
   * @param name the store name it reports
   */
  public UnreachableBackend(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void close() {}

  private RuntimeException down() {
    return new IllegalStateException("driver: connection refused",
        new ConnectException("Connection refused: " + name));
  }

  /**
   * An idempotency store that is down.
   *
   * @return the store
   */
  @Override
  public IdempotencyStore idempotencyStore() {
    return new IdempotencyStore() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public ClaimResult claim(String key, String fingerprint, Duration lease) {
        throw down();
      }

      @Override
      public boolean complete(String key, long fencingToken, byte[] payload, Duration retention) {
        throw down();
      }

      @Override
      public boolean release(String key, long fencingToken) {
        throw down();
      }

      @Override
      public Optional<StoredRecord> find(String key) {
        throw down();
      }
    };
  }

  @Override
  public MarkStore tokenStore() {
    return marks();
  }

  /**
   * A lock store that is down.
   *
   * @return the store
   */
  @Override
  public LockStore lockStore() {
    return new LockStore() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public OptionalLong tryAcquire(String key, String owner, Duration lease) {
        throw down();
      }

      @Override
      public boolean release(String key, String owner) {
        throw down();
      }

      @Override
      public boolean extend(String key, String owner, Duration lease) {
        throw down();
      }
    };
  }

  @Override
  public MarkStore dedupStore() {
    return marks();
  }

  private MarkStore marks() {
    return new MarkStore() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public boolean mark(String key, Duration ttl) {
        throw down();
      }

      @Override
      public boolean unmark(String key) {
        throw down();
      }
    };
  }

  /**
   * A state store that is down.
   *
   * @return the store
   */
  @Override
  public StateStore stateStore(String entityType) {
    return new StateStore() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public boolean create(String entityId, String state) {
        throw down();
      }

      @Override
      public TransitionAttempt transition(String entityId, Set<String> from, String to, Condition condition) {
        throw down();
      }

      @Override
      public Optional<VersionedState> find(String entityId) {
        throw down();
      }
    };
  }

  /**
   * A stock store that is down.
   *
   * @return the store
   */
  @Override
  public StockStore stockStore() {
    return new StockStore() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public boolean declare(String item, long available) {
        throw down();
      }

      @Override
      public Optional<StockLevels> repair(String item, long available) {
        throw down();
      }

      @Override
      public ReservationResult reserve(String item, String holder, long quantity, String id, java.time.Duration hold) {
        throw down();
      }

      @Override
      public ReleaseOutcome release(String item, String holder, String id) {
        throw down();
      }

      @Override
      public ConfirmOutcome confirm(String item, String holder, String id) {
        throw down();
      }

      @Override
      public Optional<StockLevels> levels(String item) {
        throw down();
      }

      @Override
      public Optional<Reservation> reservation(String item, String holder) {
        throw down();
      }
    };
  }

  /**
   * A rate-limit store that is down.
   *
   * @return the store
   */
  @Override
  public RateLimitStore rateLimitStore() {
    return new RateLimitStore() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public long acquire(String key, List<Tier> tiers, long permits) {
        throw down();
      }
    };
  }
}
