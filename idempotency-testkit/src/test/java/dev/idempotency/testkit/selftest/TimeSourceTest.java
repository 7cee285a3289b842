package dev.idempotency.testkit.selftest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.CallOptions;
import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.InProgressPolicy;
import dev.idempotency.RequestInProgressException;
import dev.idempotency.TimeSource;
import dev.idempotency.codec.Codecs;
import dev.idempotency.lock.DistributedLocks;
import dev.idempotency.lock.LockHandle;
import dev.idempotency.lock.LockOptions;
import dev.idempotency.memory.InMemoryBackend;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Waits are measured and slept on the injected {@link TimeSource}: with a virtual one, an hour's
 * wait for a busy lock or an in-progress call ends at once, after an hour of virtual time.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class TimeSourceTest {

  /** Time that moves only by the sleeps taken on it. */
  private static final class VirtualTime implements TimeSource {
    final AtomicLong nanos = new AtomicLong();

    @Override
    public long nanoTime() {
      return nanos.get();
    }

    @Override
    public void sleep(long n) {
      nanos.addAndGet(Math.max(0, n));
    }
  }

  private final InMemoryBackend backend = InMemoryBackend.create();

  @Test
  void aLockWaitIsMeasuredOnTheInjectedTime() {
    VirtualTime time = new VirtualTime();
    try (DistributedLocks holder = DistributedLocks.builder(backend.lockStore()).build();
        DistributedLocks waiter = DistributedLocks.builder(backend.lockStore()).timeSource(time).build();
        LockHandle held = holder.tryLock(IdempotencyKey.of("t", "lock")).orElseThrow()) {
      assertThat(held.isLost()).isFalse();
      assertThat(waiter.tryLock(IdempotencyKey.of("t", "lock"), LockOptions.builder().maxWait(Duration.ofHours(1)).build()))
          .isEmpty();
      assertThat(time.nanoTime()).isGreaterThanOrEqualTo(Duration.ofHours(1).toNanos());
    }
  }

  @Test
  void anAwaitedCallInProgressIsMeasuredOnTheInjectedTime() {
    VirtualTime time = new VirtualTime();
    IdempotencyKey key = IdempotencyKey.of("t", "call");
    backend.idempotencyStore().claim(key.storageKey(), Fingerprint.none().value(), Duration.ofDays(1));
    IdempotencyEngine engine = IdempotencyEngine.builder(backend.idempotencyStore()).timeSource(time).build();
    CallOptions awaitAnHour = CallOptions.builder().inProgress(InProgressPolicy.await(Duration.ofHours(1))).build();
    assertThatThrownBy(() -> engine.execute(key, Fingerprint.none(), Codecs.string(), awaitAnHour, c -> "never"))
        .isInstanceOf(RequestInProgressException.class);
    assertThat(time.nanoTime()).isGreaterThanOrEqualTo(Duration.ofHours(1).toNanos());
  }
}
