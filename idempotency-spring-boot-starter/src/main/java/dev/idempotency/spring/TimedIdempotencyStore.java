package dev.idempotency.spring;

import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.StepRunner;
import dev.idempotency.spi.StoreStep;
import dev.idempotency.spi.StoredRecord;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Times every round trip of a store into {@code idempotency.store}; otherwise the store itself,
 * including the steps it hands out (a completion sent in one round trip with a layer's lock release
 * is not timed: the round trip is not the store's alone).
 */
final class TimedIdempotencyStore implements IdempotencyStore {
  private final IdempotencyStore delegate;
  private final Timer[] success = new Timer[4];
  private final Timer[] error = new Timer[4];

  private static final String[] OPERATIONS = {"claim", "complete", "release", "find"};

  TimedIdempotencyStore(IdempotencyStore delegate, IdempotencyMetrics metrics) {
    this.delegate = delegate;
    for (int i = 0; i < OPERATIONS.length; i++) {
      success[i] = metrics.storeTimer(OPERATIONS[i], "success", delegate.name());
      error[i] = metrics.storeTimer(OPERATIONS[i], "error", delegate.name());
    }
  }

  private <T> T timed(int operation, Supplier<T> call) {
    long start = System.nanoTime();
    boolean ok = false;
    try {
      T result = call.get();
      ok = true;
      return result;
    } finally {
      (ok ? success : error)[operation].record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public ClaimResult claim(String key, String fingerprint, Duration lease) {
    return timed(0, () -> delegate.claim(key, fingerprint, lease));
  }

  @Override
  public boolean complete(String key, long fencingToken, byte[] payload, Duration retention) {
    return timed(1, () -> delegate.complete(key, fencingToken, payload, retention));
  }

  @Override
  public boolean release(String key, long fencingToken) {
    return timed(2, () -> delegate.release(key, fencingToken));
  }

  @Override
  public Optional<StoredRecord> find(String key) {
    return timed(3, () -> delegate.find(key));
  }

  @Override
  public StepRunner stepRunner() {
    return delegate.stepRunner();
  }

  /**
   * The store's own step, untimed: it goes in one round trip with other stores' steps (a layer's lock
   * release), which this timer cannot split; a completion sent alone is timed as always.
   */
  @Override
  public StoreStep<Boolean> completeStep(String key, long fencingToken, byte[] payload, Duration retention) {
    return delegate.completeStep(key, fencingToken, payload, retention);
  }

  /**
   * The store's own step, untimed: it goes in one round trip with the steps of the layers inside an
   * idempotent call, which this timer cannot split; a claim sent alone is timed as always.
   */
  @Override
  public StoreStep<ClaimResult> claimStep(String key, String fingerprint, Duration lease) {
    return delegate.claimStep(key, fingerprint, lease);
  }

  @Override
  public int maxPayloadBytes() {
    return delegate.maxPayloadBytes();
  }

  @Override
  public boolean joinsCallerTransaction() {
    return delegate.joinsCallerTransaction();
  }
}
