package dev.idempotency.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.IdempotencyKey;
import dev.idempotency.lock.DistributedLocks;
import dev.idempotency.lock.LockHandle;
import dev.idempotency.lock.LockOptions;
import dev.idempotency.spi.LockStore;
import dev.idempotency.testkit.RedisProcess;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A lock's watchdog losing Redis (the server paused): the owner is told while the lease it last
 * secured still holds, so it can stop before another owner can take the lock. Before, it was told
 * only once a full lease had passed since the last renewal had <em>returned</em>: after the lease
 * had already ended on the server, by up to a third of the lease.
 */
class RedisWatchdogTest {
  private RedisProcess own;

  @AfterEach
  void stop() {
    if (own != null) {
      own.stop();
    }
  }

  /** Records when the last successful renewal was sent: the server's lease ends no earlier than that plus the lease. */
  private static final class Recording implements LockStore {
    final LockStore delegate;
    final AtomicLong lastSecuredSentNanos = new AtomicLong();

    Recording(LockStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public OptionalLong tryAcquire(String key, String owner, Duration lease) {
      long sent = System.nanoTime();
      OptionalLong t = delegate.tryAcquire(key, owner, lease);
      if (t.isPresent()) {
        lastSecuredSentNanos.set(sent);
      }
      return t;
    }

    @Override
    public boolean release(String key, String owner) {
      return delegate.release(key, owner);
    }

    @Override
    public boolean extend(String key, String owner, Duration lease) {
      long sent = System.nanoTime();
      boolean ok = delegate.extend(key, owner, lease);
      if (ok) {
        lastSecuredSentNanos.set(sent);
      }
      return ok;
    }
  }

  @Test
  void theOwnerIsToldWhileTheLeaseItLastSecuredStillHolds() throws Exception {
    own = RedisProcess.start();
    Duration lease = Duration.ofMillis(1_500);
    try (RedisBackend redis = RedisBackend.builder().uri(own.uri()).connectTimeout(Duration.ofMillis(200))
        .socketTimeout(Duration.ofMillis(200)).build()) {
      Recording store = new Recording(redis.lockStore());
      CompletableFuture<Long> told = new CompletableFuture<>();
      try (DistributedLocks locks = DistributedLocks.builder(store).build()) {
        LockHandle handle = locks.tryLock(IdempotencyKey.of("jobs", "nightly"),
            LockOptions.builder().lease(lease).watchdog(h -> told.complete(System.nanoTime())).build()).orElseThrow();
        Thread.sleep(1_300); // a few renewals
        assertThat(handle.isLost()).isFalse();
        own.signal("STOP");
        long toldAt;
        try {
          toldAt = told.get(5, TimeUnit.SECONDS);
        } finally {
          own.signal("CONT");
        }
        long leaseEnds = store.lastSecuredSentNanos.get() + lease.toNanos();
        long marginMillis = TimeUnit.NANOSECONDS.toMillis(leaseEnds - toldAt);
        System.out.println("RELIABILITY | redis lock watchdog losing the server (paused) | lease 1500 ms, told "
            + marginMillis + " ms before the lease it last secured ends");
        assertThat(handle.isLost()).isTrue();
        assertThat(marginMillis).as("told before the lease ends, by ms").isPositive();
      }
    }
  }
}
