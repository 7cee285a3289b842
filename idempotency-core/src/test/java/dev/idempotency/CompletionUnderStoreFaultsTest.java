package dev.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.codec.Codecs;
import dev.idempotency.codec.ResultCodec;
import dev.idempotency.memory.InMemoryBackend;
import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.StoredRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A success whose result was never stored must not run again. A store failing at
 * completion was swallowed (the record stayed in progress and, after the lease, a retry ran the
 * action a second time), and a result the codec could not encode released the claim (the retry ran
 * it again).
 */
class CompletionUnderStoreFaultsTest {
  private final IdempotencyKey key = IdempotencyKey.of("payments", "p-1");

  /** Completion fails a given number of times (a socket timeout, a restart), then works. */
  private static class HiccupAtCompletion implements IdempotencyStore {
    private final IdempotencyStore delegate = InMemoryBackend.create().idempotencyStore();
    final AtomicInteger failuresLeft;
    final AtomicInteger completeCalls = new AtomicInteger();
    final int maxPayload;

    HiccupAtCompletion(int failures, int maxPayload) {
      this.failuresLeft = new AtomicInteger(failures);
      this.maxPayload = maxPayload;
    }

    @Override
    public String name() {
      return "hiccup";
    }

    @Override
    public int maxPayloadBytes() {
      return maxPayload;
    }

    @Override
    public ClaimResult claim(String k, String fingerprint, Duration lease) {
      return delegate.claim(k, fingerprint, lease);
    }

    @Override
    public boolean complete(String k, long fencingToken, byte[] payload, Duration retention) {
      completeCalls.incrementAndGet();
      if (failuresLeft.getAndDecrement() > 0) {
        throw new IllegalStateException("read timed out");
      }
      return delegate.complete(k, fencingToken, payload, retention);
    }

    @Override
    public boolean release(String k, long fencingToken) {
      return delegate.release(k, fencingToken);
    }

    @Override
    public Optional<StoredRecord> find(String k) {
      return delegate.find(k);
    }
  }

  @Test
  void aStoreHiccupAtCompletionIsRetriedWithinTheLeaseAndTheActionNeverRunsTwice() {
    HiccupAtCompletion store = new HiccupAtCompletion(3, Integer.MAX_VALUE);
    CountingListener counts = new CountingListener();
    IdempotencyEngine engine = IdempotencyEngine.builder(store).listener(counts)
        .defaults(CallOptions.builder().lease(Duration.ofSeconds(10)).build()).build();
    AtomicInteger runs = new AtomicInteger();
    assertThat(engine.execute(key, Fingerprint.none(), Codecs.string(), c -> "charged " + runs.incrementAndGet()).value())
        .isEqualTo("charged 1");
    assertThat(store.completeCalls).hasValue(4);
    assertThat(counts.count(IdempotencyEvent.COMPLETION_RETRIED)).isEqualTo(3);
    assertThat(counts.count(IdempotencyEvent.EXECUTED)).isEqualTo(1);

    CallResult<String> again = engine.execute(key, Fingerprint.none(), Codecs.string(), c -> "charged " + runs.incrementAndGet());
    assertThat(again.replayed()).isTrue();
    assertThat(again.value()).isEqualTo("charged 1");
    assertThat(runs).hasValue(1);
  }

  /** A record with an {@code Instant}, which a codec without java.time support cannot encode. */
  record Receipt(String id, Instant at) {}

  @Test
  void aResultTheCodecCannotEncodeCompletesTheKeyWithAMarkerAndNeverRunsTwice() {
    IdempotencyEngine engine = IdempotencyEngine.builder(InMemoryBackend.create().idempotencyStore()).build();
    ResultCodec<Receipt> noJavaTime = new ResultCodec<>() {
      @Override
      public byte[] encode(Receipt value) {
        throw new IllegalArgumentException("Java 8 date/time type java.time.Instant not supported by default");
      }

      @Override
      public Receipt decode(byte[] bytes) {
        throw new AssertionError("never stored");
      }
    };
    AtomicInteger runs = new AtomicInteger();
    Receipt first = engine.execute(key, Fingerprint.none(), noJavaTime,
        c -> new Receipt("r-" + runs.incrementAndGet(), Instant.EPOCH)).value();
    assertThat(first.id()).as("the caller gets what the action produced").isEqualTo("r-1");

    assertThatThrownBy(() -> engine.execute(key, Fingerprint.none(), noJavaTime,
        c -> new Receipt("r-" + runs.incrementAndGet(), Instant.EPOCH)))
        .isInstanceOfSatisfying(ResultNotStoredException.class, e -> {
          assertThat(e.key()).isEqualTo(key);
          assertThat(e.suggestedHttpStatus()).isEqualTo(500);
          assertThat(e).hasMessageContaining("codec could not encode it");
        });
    assertThat(runs).as("2 runs for one key before the fix").hasValue(1);
  }

  @Test
  void aResultOverTheSizeLimitIsCheckedBeforeTheRoundTripAndCompletedWithAMarker() {
    HiccupAtCompletion store = new HiccupAtCompletion(0, 1024);
    CountingListener counts = new CountingListener();
    IdempotencyEngine engine = IdempotencyEngine.builder(store).listener(counts).build();
    AtomicInteger runs = new AtomicInteger();
    String big = "x".repeat(20_000);
    assertThat(engine.execute(key, Fingerprint.none(), Codecs.string(), c -> {
      runs.incrementAndGet();
      return big;
    }).value()).isEqualTo(big);
    assertThat(store.completeCalls).as("only the small marker was sent").hasValue(1);
    assertThat(counts.count(IdempotencyEvent.RESULT_NOT_STORED)).isEqualTo(1);
    assertThatThrownBy(() -> engine.execute(key, Fingerprint.none(), Codecs.string(), c -> "" + runs.incrementAndGet()))
        .isInstanceOf(ResultNotStoredException.class).hasMessageContaining("over the limit of 1024 bytes");
    assertThat(runs).hasValue(1);

    IdempotencyKey other = IdempotencyKey.of("payments", "p-2");
    CallOptions small = CallOptions.builder().maxResultBytes(10).build();
    engine.execute(other, Fingerprint.none(), Codecs.string(), small, c -> "eleven chars");
    assertThatThrownBy(() -> engine.execute(other, Fingerprint.none(), Codecs.string(), small, c -> "again"))
        .isInstanceOf(ResultNotStoredException.class);
  }

  @Test
  void aStoreThatRefusesTheResultForTheWholeLeaseButTakesTheMarkerNeverRunsTwice() {
    // A store that answers but rejects this payload (as a server would a packet over its limit).
    HiccupAtCompletion store = new HiccupAtCompletion(0, Integer.MAX_VALUE) {
      @Override
      public boolean complete(String k, long fencingToken, byte[] payload, Duration retention) {
        if (payload.length > 100) {
          completeCalls.incrementAndGet();
          throw new IllegalStateException("packet too large");
        }
        return super.complete(k, fencingToken, payload, retention);
      }
    };
    IdempotencyEngine engine = IdempotencyEngine.builder(store)
        .defaults(CallOptions.builder().lease(Duration.ofMillis(300)).build()).build();
    AtomicInteger runs = new AtomicInteger();
    engine.execute(key, Fingerprint.none(), Codecs.string(), c -> "y".repeat(1000 + runs.incrementAndGet()));
    assertThatThrownBy(() -> engine.execute(key, Fingerprint.none(), Codecs.string(), c -> "" + runs.incrementAndGet()))
        .isInstanceOf(ResultNotStoredException.class);
    assertThat(runs).hasValue(1);
  }
}
