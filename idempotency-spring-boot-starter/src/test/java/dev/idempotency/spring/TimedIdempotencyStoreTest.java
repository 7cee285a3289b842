package dev.idempotency.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.StepRunner;
import dev.idempotency.spi.StoreStep;
import dev.idempotency.spi.StoredRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The metrics' timing store hands out its store's step runner and completion step unchanged, so that
 * with Micrometer on, a completion still goes in one round trip with a layer's lock release (a
 * backend's runner takes only its own steps).
 */
class TimedIdempotencyStoreTest {
  private static final StepRunner RUNNER = steps -> List.of();
  private static final StoreStep<Boolean> COMPLETE = new StoreStep<>() {
    @Override
    public Boolean run() {
      return true;
    }

    @Override
    public boolean passes(Boolean reply) {
      return true;
    }

    @Override
    public StepRunner runner() {
      return RUNNER;
    }
  };

  private static final StoreStep<ClaimResult> CLAIM = new StoreStep<>() {
    @Override
    public ClaimResult run() {
      return new ClaimResult.Acquired(1);
    }

    @Override
    public boolean passes(ClaimResult reply) {
      return reply instanceof ClaimResult.Acquired;
    }

    @Override
    public StepRunner runner() {
      return RUNNER;
    }
  };

  /** A store that runs steps; its calls are not made here. */
  private static final class WithSteps implements IdempotencyStore {
    @Override
    public String name() {
      return "with steps";
    }

    @Override
    public StepRunner stepRunner() {
      return RUNNER;
    }

    @Override
    public StoreStep<Boolean> completeStep(String key, long fencingToken, byte[] payload, Duration retention) {
      return COMPLETE;
    }

    @Override
    public StoreStep<ClaimResult> claimStep(String key, String fingerprint, Duration lease) {
      return CLAIM;
    }

    @Override
    public ClaimResult claim(String key, String fingerprint, Duration lease) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean complete(String key, long fencingToken, byte[] payload, Duration retention) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean release(String key, long fencingToken) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<StoredRecord> find(String key) {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void theTimedStoreHandsOutItsStoresRunnerClaimAndCompletionSteps() {
    IdempotencyStore timed = new TimedIdempotencyStore(new WithSteps(),
        new IdempotencyMetrics(new SimpleMeterRegistry()));
    assertThat(timed.stepRunner()).isSameAs(RUNNER);
    assertThat(timed.completeStep("k", 1, new byte[0], Duration.ofMinutes(1))).isSameAs(COMPLETE);
    assertThat(timed.claimStep("k", "f", Duration.ofMinutes(1))).as("the claim goes with the inner layers' steps")
        .isSameAs(CLAIM);
  }
}
