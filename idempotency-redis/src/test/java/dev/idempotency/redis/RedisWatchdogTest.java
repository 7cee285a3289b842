package dev.idempotency.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.IdempotencyKey;
import dev.idempotency.lock.DistributedLocks;
import dev.idempotency.lock.LockHandle;
import dev.idempotency.lock.LockOptions;
import dev.idempotency.spi.LockStore;
import dev.idempotency.testsupport.RedisProcess;
import dev.idempotency.testsupport.TcpRelay;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A lock's watchdog losing Redis: the owner is told while the lease it last secured still holds, so
 * it can stop before another owner can take the lock, however long the failing renewal call takes.
 * A lease of 2 s with a socket timeout of 1 s is the case that broke before: the first call against a
 * frozen server takes two socket timeouts (the pool replaces the broken connection inside the call),
 * and the watchdog decided only when that call returned, after the lease had ended (told 670 to
 * 700 ms late; partitioned, a second owner held the lock for 632 ms before the first was told).
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

  private static final Duration LEASE = Duration.ofMillis(2_000);
  private static final IdempotencyKey KEY = IdempotencyKey.of("jobs", "nightly");

  private static RedisBackend backend(String uri) {
    return RedisBackend.builder().uri(uri).connectTimeout(Duration.ofSeconds(1)).socketTimeout(Duration.ofSeconds(1))
        .build();
  }

  @Test
  void theOwnerIsToldBeforeTheLeaseEndsWhenTheServerFreezes() throws Exception {
    own = RedisProcess.start();
    try (RedisBackend redis = backend(own.uri())) {
      Recording store = new Recording(redis.lockStore());
      CompletableFuture<Long> told = new CompletableFuture<>();
      try (DistributedLocks locks = DistributedLocks.builder(store).build()) {
        LockHandle handle = locks.tryLock(KEY,
            LockOptions.builder().lease(LEASE).watchdog(h -> told.complete(System.nanoTime())).build()).orElseThrow();
        Thread.sleep(1_500); // two renewals
        assertThat(handle.isLost()).isFalse();
        own.signal("STOP");
        long toldAt;
        try {
          toldAt = told.get(6, TimeUnit.SECONDS);
        } finally {
          own.signal("CONT");
        }
        long leaseEnds = store.lastSecuredSentNanos.get() + LEASE.toNanos();
        long marginMillis = TimeUnit.NANOSECONDS.toMillis(leaseEnds - toldAt);
        System.out.println("RELIABILITY | redis lock watchdog, server paused | lease 2000 ms, socket timeout 1000 ms,"
            + " told " + marginMillis + " ms before the lease it last secured ends");
        assertThat(handle.isLost()).isTrue();
        assertThat(marginMillis).as("told before the lease ends, by ms").isPositive();
      }
    }
  }

  @Test
  void theOwnerIsToldBeforeASecondOwnerTakesTheLockWhenOnlyItsConnectionsArePartitioned() throws Exception {
    own = RedisProcess.start();
    try (TcpRelay relay = TcpRelay.to(own.port());
        RedisBackend ownersRedis = backend("redis://127.0.0.1:" + relay.port());
        RedisBackend othersRedis = backend(own.uri());
        DistributedLocks owners = DistributedLocks.builder(ownersRedis.lockStore()).build();
        DistributedLocks others = DistributedLocks.builder(othersRedis.lockStore()).build()) {
      CompletableFuture<Long> told = new CompletableFuture<>();
      LockHandle first = owners.tryLock(KEY,
          LockOptions.builder().lease(LEASE).watchdog(h -> told.complete(System.nanoTime())).build()).orElseThrow();
      Thread.sleep(1_500);
      assertThat(first.isLost()).isFalse();
      relay.freeze();
      try {
        LockHandle second = others.tryLock(KEY, LockOptions.builder().lease(LEASE).maxWait(Duration.ofSeconds(8))
            .owner("second").build()).orElseThrow();
        long secondAt = System.nanoTime();
        assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
        assertThat(told).as("the first owner was told").isDone();
        long marginMillis = TimeUnit.NANOSECONDS.toMillis(secondAt - told.get());
        System.out.println("RELIABILITY | redis lock watchdog, owner partitioned | lease 2000 ms, socket timeout"
            + " 1000 ms, told " + marginMillis + " ms before a second owner took the lock");
        assertThat(marginMillis).as("told before the second owner took it, by ms").isPositive();
        second.release();
      } finally {
        relay.thaw();
      }
    }
  }
}
