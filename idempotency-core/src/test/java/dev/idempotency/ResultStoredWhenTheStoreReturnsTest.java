package dev.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.codec.Codecs;
import dev.idempotency.memory.InMemoryBackend;
import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.StoredRecord;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A store that was only away when the action returned, and comes back before the lease ends, gets
 * the result, not the not-stored marker: the marker is for a result the store refuses, never for a
 * store that was unreachable (a Redis restarted, a Sentinel promotion that took seconds).
 */
class ResultStoredWhenTheStoreReturnsTest {

  /** Every completion fails until a moment, as a server that is down and then back. */
  private static final class AwayUntil implements IdempotencyStore {
    private final IdempotencyStore delegate = InMemoryBackend.create().idempotencyStore();
    volatile long backAtNanos;

    @Override
    public String name() {
      return "away";
    }

    @Override
    public ClaimResult claim(String key, String fingerprint, Duration lease) {
      return delegate.claim(key, fingerprint, lease);
    }

    @Override
    public boolean complete(String key, long fencingToken, byte[] payload, Duration retention) {
      if (System.nanoTime() < backAtNanos) {
        throw new StoreUnavailableException(name(), "complete", new java.net.ConnectException("Connection refused"));
      }
      return delegate.complete(key, fencingToken, payload, retention);
    }

    @Override
    public boolean release(String key, long fencingToken) {
      return delegate.release(key, fencingToken);
    }

    @Override
    public Optional<StoredRecord> find(String key) {
      return delegate.find(key);
    }
  }

  @Test
  void aStoreBackInTheLastFifthOfTheLeaseGetsTheResultAndDuplicatesReplayIt() {
    AwayUntil store = new AwayUntil();
    IdempotencyEngine engine = IdempotencyEngine.builder(store)
        .defaults(CallOptions.builder().lease(Duration.ofSeconds(1)).build()).build();
    IdempotencyKey key = IdempotencyKey.of("payments", "back-late");
    AtomicInteger runs = new AtomicInteger();
    // Read before the claim, so that a slow start (a cold JVM, a busy machine) between the claim and the
    // action's end cannot push the store's return past the lease.
    long beforeTheClaim = System.nanoTime();
    CallResult<String> first = engine.execute(key, Fingerprint.none(), Codecs.string(), c -> {
      // Down from the action's end until 88 % of the lease: past the result's own retry window.
      store.backAtNanos = beforeTheClaim + Duration.ofMillis(880).toNanos();
      return "charged " + runs.incrementAndGet();
    });
    assertThat(first.value()).isEqualTo("charged 1");
    CallResult<String> again = engine.execute(key, Fingerprint.none(), Codecs.string(), c -> "charged " + runs.incrementAndGet());
    assertThat(again.replayed()).isTrue();
    assertThat(again.value()).isEqualTo("charged 1");
    assertThat(runs).hasValue(1);
  }
}
