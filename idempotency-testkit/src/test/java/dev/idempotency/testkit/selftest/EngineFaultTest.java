package dev.idempotency.testkit.selftest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.*;
import dev.idempotency.codec.Codecs;
import dev.idempotency.dedup.Deduplicator;
import dev.idempotency.lock.DistributedLocks;
import dev.idempotency.memory.InMemoryBackend;
import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.StoredRecord;
import dev.idempotency.state.StateMachine;
import dev.idempotency.token.OneTimeTokens;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** How every strategy behaves when its store fails: typed errors, nothing lost, no driver exceptions. */
class EngineFaultTest {
  private final UnreachableBackend down = new UnreachableBackend("redis 10.0.0.1:6379");
  private final IdempotencyKey key = IdempotencyKey.of("orders", "k-1");

  enum S { A, B }

  @Test
  void everyStrategyTurnsADriverFailureIntoStoreUnavailableNamingTheStore() {
    CountingListener counts = new CountingListener();
    IdempotencyEngine engine = IdempotencyEngine.builder(down.idempotencyStore()).listener(counts).build();
    AtomicInteger runs = new AtomicInteger();
    assertThatThrownBy(() -> engine.execute(key, Fingerprint.none(), Codecs.string(), c -> "" + runs.incrementAndGet()))
        .isInstanceOfSatisfying(StoreUnavailableException.class, e -> {
          assertThat(e.store()).isEqualTo("redis 10.0.0.1:6379");
          assertThat(e.getCause()).hasRootCauseInstanceOf(ConnectException.class);
        });
    assertThat(runs).hasValue(0);
    assertThat(counts.count(IdempotencyEvent.STORE_UNAVAILABLE)).isEqualTo(1);

    assertThatThrownBy(() -> OneTimeTokens.builder(down.tokenStore()).listener(counts).build().issue(Scope.of("x")))
        .isInstanceOf(StoreUnavailableException.class);
    assertThatThrownBy(() -> DistributedLocks.builder(down.lockStore()).listener(counts).build().tryLock(key))
        .isInstanceOf(StoreUnavailableException.class);
    assertThatThrownBy(() -> Deduplicator.builder(down.dedupStore()).listener(counts).build().markFirst(key))
        .isInstanceOf(StoreUnavailableException.class);
    assertThatThrownBy(() -> StateMachine.builder(S.class, down.stateStore("s"), "s").allow(S.A, S.B).listener(counts)
        .build().transition("id", S.B)).isInstanceOf(StoreUnavailableException.class);
    assertThat(counts.count(IdempotencyEvent.STORE_UNAVAILABLE)).as("every strategy reports it").isEqualTo(5);
  }

  /** A store that works for claims but fails at completion or release, as a server dying mid-call. */
  private static final class FailingAfterClaim implements IdempotencyStore {
    private final IdempotencyStore delegate = InMemoryBackend.create().idempotencyStore();
    final AtomicBoolean failComplete = new AtomicBoolean();
    final AtomicBoolean failRelease = new AtomicBoolean();

    @Override
    public String name() {
      return "flaky";
    }

    @Override
    public ClaimResult claim(String key, String fingerprint, Duration lease) {
      return delegate.claim(key, fingerprint, lease);
    }

    @Override
    public boolean complete(String key, long fencingToken, byte[] payload, Duration retention) {
      if (failComplete.get()) {
        throw new IllegalStateException("connection reset");
      }
      return delegate.complete(key, fencingToken, payload, retention);
    }

    @Override
    public boolean release(String key, long fencingToken) {
      if (failRelease.get()) {
        throw new IllegalStateException("connection reset");
      }
      return delegate.release(key, fencingToken);
    }

    @Override
    public Optional<StoredRecord> find(String key) {
      return delegate.find(key);
    }
  }

  @Test
  void aStoreThatFailsThroughTheWholeLeaseIsReportedAndTheCallerStillGetsItsResult() {
    FailingAfterClaim store = new FailingAfterClaim();
    store.failComplete.set(true);
    CountingListener counts = new CountingListener();
    IdempotencyEngine engine = IdempotencyEngine.builder(store).listener(counts)
        .defaults(CallOptions.builder().lease(Duration.ofMillis(300)).build()).build();
    long started = System.nanoTime();
    CallResult<String> r = engine.execute(key, Fingerprint.none(), Codecs.string(), c -> "charged");
    assertThat(r.value()).isEqualTo("charged");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).as("retried until the lease ended, no longer")
        .isBetween(Duration.ofMillis(250), Duration.ofSeconds(3));
    assertThat(counts.count(IdempotencyEvent.COMPLETION_RETRIED)).isGreaterThan(1);
    assertThat(counts.count(IdempotencyEvent.COMPLETION_FAILED)).isEqualTo(1);
  }

  @Test
  void aFailedReleaseIsAttachedToTheActionsOwnFailure() {
    FailingAfterClaim store = new FailingAfterClaim();
    store.failRelease.set(true);
    IdempotencyEngine engine = IdempotencyEngine.builder(store).build();
    IllegalArgumentException boom = new IllegalArgumentException("bad order");
    assertThatThrownBy(() -> engine.execute(key, Fingerprint.none(), Codecs.string(), c -> {
      throw boom;
    })).isSameAs(boom);
    assertThat(boom.getSuppressed()).singleElement().isInstanceOf(StoreUnavailableException.class);
  }

  @Test
  void aThrowingListenerNeverBreaksTheCall() {
    IdempotencyEngine engine = IdempotencyEngine.builder(InMemoryBackend.create().idempotencyStore())
        .listener((e, ns) -> {
          throw new IllegalStateException("metrics down");
        }).build();
    assertThat(engine.execute(key, Fingerprint.none(), Codecs.string(), c -> "ok").value()).isEqualTo("ok");
  }
}
