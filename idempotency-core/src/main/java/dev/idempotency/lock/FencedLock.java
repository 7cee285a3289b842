package dev.idempotency.lock;

import dev.idempotency.FencingToken;
import dev.idempotency.IdempotencyEvent;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.internal.AfterAction;
import dev.idempotency.spi.StoreStep;
import dev.idempotency.spi.support.Listeners;
import dev.idempotency.spi.support.Require;
import dev.idempotency.spi.support.StoreCalls;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A held lock of {@link DistributedLocks}: releases and extends only as its owner, and renews its
 * lease from a watchdog if asked, every third of the lease.
 *
 * <p>The watchdog keeps its own deadline. The lease it last secured is counted from the moment the
 * last successful renewal (or the acquisition) was <em>sent</em>, since the server started it no
 * earlier. A timer set a tenth of the lease before that lease ends tells the owner (through
 * {@link LockHandle#isLost()} and the options' callback) unless a renewal has succeeded since; it
 * does not wait for a renewal call that hangs on a frozen or partitioned server, which may take
 * longer than the lease (a pool replacing a broken connection inside the call takes two socket
 * timeouts). Renewals run on their own threads, one at a time per lock, and a renewal that returns
 * after the owner was told changes nothing. The owner is also told at once when the store answers
 * that it no longer holds the lock, or when a renewal failed and the next could not come before the
 * deadline. So the owner hears of a loss at least a tenth of the lease before another owner can take
 * the lock (less the time the JVM itself is paused), and can stop its work in time. Thread-safe.
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
  private final AtomicBoolean renewing = new AtomicBoolean();
  private volatile ScheduledFuture<?> watchdog;
  /** When the lease last secured ends, by {@link DistributedLocks#time()}; guarded by {@code this}. */
  private long securedUntilNanos;
  private ScheduledFuture<?> deadline;

  FencedLock(DistributedLocks locks, IdempotencyKey key, String storageKey, String owner, FencingToken fencingToken,
      LockOptions options, long acquisitionSentNanos) {
    this.locks = locks;
    this.securedUntilNanos = acquisitionSentNanos + options.lease().toNanos();
    this.key = key;
    this.storageKey = storageKey;
    this.owner = owner;
    this.fencingToken = fencingToken;
    this.options = options;
  }

  private long periodMillis() {
    return Math.max(1, options.lease().toMillis() / 3);
  }

  /** How long before the secured lease ends the owner is told at the latest: a tenth of the lease. */
  private long marginNanos() {
    return options.lease().toNanos() / 10;
  }

  void startWatchdog() {
    long period = periodMillis();
    synchronized (this) {
      armDeadline();
    }
    watchdog = locks.scheduler().scheduleAtFixedRate(this::tick, period, period, TimeUnit.MILLISECONDS);
  }

  /** Sets the timer that tells the owner unless a renewal succeeds first. Called holding {@code this}. */
  private void armDeadline() {
    if (deadline != null) {
      deadline.cancel(false);
    }
    long delay = Math.max(0, securedUntilNanos - marginNanos() - locks.time().nanoTime());
    deadline = locks.scheduler().schedule(this::deadlinePassed, delay, TimeUnit.NANOSECONDS);
  }

  private void tick() {
    if (released.get() || lost.get() || !renewing.compareAndSet(false, true)) {
      return; // a renewal still in flight is not doubled; the deadline watches it
    }
    try {
      locks.renewals().execute(this::renew);
    } catch (RejectedExecutionException e) {
      renewing.set(false); // closing
    }
  }

  private void renew() {
    long sentNanos = locks.time().nanoTime();
    try {
      if (locks.store().extend(storageKey, owner, options.lease())) {
        secured(sentNanos + options.lease().toNanos());
      } else {
        lose("the store answered that this owner no longer holds it");
      }
    } catch (RuntimeException e) {
      long nextAttempt = locks.time().nanoTime() + TimeUnit.MILLISECONDS.toNanos(periodMillis());
      long tellBy;
      synchronized (this) {
        tellBy = securedUntilNanos - marginNanos();
      }
      if (nextAttempt < tellBy) {
        LOG.debug("lock {} renewal failed, retrying: {}", key, e.toString());
      } else {
        LOG.warn("lock {} could not be renewed; its lease ends in {} ms", key,
            TimeUnit.NANOSECONDS.toMillis(tellBy + marginNanos() - locks.time().nanoTime()), e);
        lose("renewals failed and the next could not come before the lease ends");
      }
    } finally {
      renewing.set(false);
    }
  }

  /**
   * An extension sent at a known moment succeeded: the lease now ends no earlier than {@code until}
   * (and it replaced the one before, which may have ended later).
   */
  private synchronized void secured(long until) {
    if (lost.get() || released.get()) {
      return; // told already: a late success changes nothing the owner was told
    }
    securedUntilNanos = until;
    armDeadline();
  }

  private void deadlinePassed() {
    synchronized (this) {
      if (locks.time().nanoTime() < securedUntilNanos - marginNanos()) {
        armDeadline(); // a renewal succeeded as the timer fired
        return;
      }
    }
    lose("no renewal succeeded in time");
  }

  private void lose(String why) {
    if (released.get() || !lost.compareAndSet(false, true)) {
      return;
    }
    cancelWatchdog();
    long leftMillis;
    synchronized (this) {
      leftMillis = TimeUnit.NANOSECONDS.toMillis(securedUntilNanos - locks.time().nanoTime());
    }
    Listeners.report(locks.listener(), IdempotencyEvent.LOCK_RENEWAL_FAILED, key.namespace());
    LOG.warn("lock {} (fencing token {}) was lost: {}; the lease it last secured ends in {} ms", key, fencingToken,
        why, leftMillis);
    if (options.onRenewalFailure() != null) {
      try {
        options.onRenewalFailure().accept(this);
      } catch (RuntimeException e) {
        LOG.warn("onRenewalFailure callback of lock {} failed", key, e);
      }
    }
  }

  private void cancelWatchdog() {
    ScheduledFuture<?> w = watchdog;
    if (w != null) {
      w.cancel(false);
    }
    synchronized (this) {
      if (deadline != null) {
        deadline.cancel(false);
      }
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
    long sentNanos = locks.time().nanoTime();
    boolean extended = StoreCalls.call(locks.store().name(), "extend lock", locks.listener(), key.namespace(),
        () -> locks.store().extend(storageKey, owner, lease));
    if (extended && watchdog != null) {
      secured(sentNanos + lease.toNanos());
    }
    return extended;
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

  /**
   * Leaves this hold's release to the claim the calling thread's action runs under, to be sent with
   * its completion ({@link AfterAction}); the lease is renewed until it is sent. Reported and logged
   * as {@link #release()} would be, minus the exception: a release that fails leaves the lock to its
   * lease.
   *
   * @return true if the claim took it; false if there is none that can (call {@link #release()})
   */
  boolean releaseAfterAction() {
    if (released.get()) {
      return true;
    }
    StoreStep<Boolean> step;
    try {
      step = locks.store().releaseStep(storageKey, owner);
    } catch (RuntimeException e) {
      return false; // released at once, where the store reports what is wrong
    }
    return step != null && AfterAction.offer(new AfterAction.Write<Boolean>() {
      @Override
      public StoreStep<Boolean> step() {
        return step;
      }

      @Override
      public void sending() {
        if (released.compareAndSet(false, true)) {
          cancelWatchdog();
        }
      }

      @Override
      public void done(Boolean reply) {
        if (!reply) {
          LOG.debug("lock {} was no longer held by {} when released", key, owner);
        }
      }

      @Override
      public void failed(RuntimeException failure) {
        Listeners.report(locks.listener(), IdempotencyEvent.STORE_UNAVAILABLE, key.namespace());
        LOG.warn("could not release lock {}; its lease frees it: {}", key, failure.toString());
      }
    });
  }

  @Override
  public String toString() {
    return "LockHandle[" + key + ", token=" + fencingToken + (lost.get() ? ", lost" : "") + "]";
  }
  }
