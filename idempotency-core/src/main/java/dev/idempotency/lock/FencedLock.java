package dev.idempotency.lock;

import dev.idempotency.FencingToken;
import dev.idempotency.IdempotencyEvent;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.internal.Listeners;
import dev.idempotency.internal.Require;
import dev.idempotency.internal.StoreCalls;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A held lock of {@link DistributedLocks}: releases and extends only as its owner, and renews its
 * lease from a watchdog if asked, every third of the lease.
 *
 * <p>When renewals fail, the owner is told (through {@link LockHandle#isLost()} and the options'
 * callback) <b>while the lease it last secured still holds</b>: as soon as a renewal has failed and
 * the next one could no longer come before that lease ends. The secured lease is counted from the
 * moment the last successful renewal (or the acquisition) was <em>sent</em>, since the server
 * started it no earlier. So the owner learns of the loss at least a third of the lease, less one
 * store timeout, before another owner can take the lock, and can stop its work in time. Thread-safe.
 */
final class FencedLock implements LockHandle {
  private static final Logger LOG = LoggerFactory.getLogger(FencedLock.class);

  private final DistributedLocks locks;
  private final IdempotencyKey key;
  private final String storageKey;
  private final String owner;
  private final FencingToken fencingToken;
  private final LockOptions options;
  private final AtomicBoolean released = new AtomicBoolean();
  private final AtomicBoolean lost = new AtomicBoolean();
  private volatile ScheduledFuture<?> watchdog;
  private volatile long lastRenewalNanos;

  FencedLock(DistributedLocks locks, IdempotencyKey key, String storageKey, String owner, FencingToken fencingToken,
      LockOptions options, long acquisitionSentNanos) {
    this.locks = locks;
    this.lastRenewalNanos = acquisitionSentNanos;
    this.key = key;
    this.storageKey = storageKey;
    this.owner = owner;
    this.fencingToken = fencingToken;
    this.options = options;
  }

  private long periodMillis() {
    return Math.max(1, options.lease().toMillis() / 3);
  }

  void startWatchdog() {
    long period = periodMillis();
    watchdog = locks.scheduler().scheduleAtFixedRate(this::renew, period, period, TimeUnit.MILLISECONDS);
  }

  private void renew() {
    if (released.get() || lost.get()) {
      return;
    }
    long sentNanos = locks.time().nanoTime();
    boolean extended;
    try {
      extended = locks.store().extend(storageKey, owner, options.lease());
    } catch (RuntimeException e) {
      // A passing failure: try again at the next period if that still comes before the lease we
      // last secured ends; otherwise tell the owner now, while that lease still holds.
      long securedUntil = lastRenewalNanos + options.lease().toNanos();
      long nextAttempt = locks.time().nanoTime() + TimeUnit.MILLISECONDS.toNanos(periodMillis());
      if (nextAttempt < securedUntil) {
        LOG.debug("lock {} renewal failed, retrying: {}", key, e.toString());
        return;
      }
      LOG.warn("lock {} could not be renewed; its lease ends in {} ms", key,
          TimeUnit.NANOSECONDS.toMillis(securedUntil - locks.time().nanoTime()), e);
      extended = false;
    }
    if (extended) {
      lastRenewalNanos = sentNanos;
      return;
    }
    if (lost.compareAndSet(false, true)) {
      cancelWatchdog();
      Listeners.report(locks.listener(), IdempotencyEvent.LOCK_RENEWAL_FAILED, key.namespace());
      LOG.warn("lock {} (fencing token {}) was lost: its lease could not be renewed", key, fencingToken);
      if (options.onRenewalFailure() != null) {
        try {
          options.onRenewalFailure().accept(this);
        } catch (RuntimeException e) {
          LOG.warn("onRenewalFailure callback of lock {} failed", key, e);
        }
      }
    }
  }

  private void cancelWatchdog() {
    ScheduledFuture<?> w = watchdog;
    if (w != null) {
      w.cancel(false);
    }
  }

  @Override
  public IdempotencyKey key() {
    return key;
  }

  @Override
  public String owner() {
    return owner;
  }

  @Override
  public FencingToken fencingToken() {
    return fencingToken;
  }

  @Override
  public boolean extend(Duration lease) {
    Require.storedDuration(lease, "lease");
    if (released.get()) {
      return false;
    }
    return StoreCalls.call(locks.store().name(), "extend lock", locks.listener(), key.namespace(),
        () -> locks.store().extend(storageKey, owner, lease));
  }

  @Override
  public boolean isLost() {
    return lost.get();
  }

  @Override
  public boolean release() {
    if (!released.compareAndSet(false, true)) {
      return false;
    }
    cancelWatchdog();
    return StoreCalls.call(locks.store().name(), "release lock", locks.listener(), key.namespace(),
        () -> locks.store().release(storageKey, owner));
  }

  @Override
  public void close() {
    release();
  }

  @Override
  public String toString() {
    return "LockHandle[" + key + ", token=" + fencingToken + (lost.get() ? ", lost" : "") + "]";
  }
  }
