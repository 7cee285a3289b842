package dev.idempotency.lock;

import dev.idempotency.IdempotencyEvent;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.IdempotencyListener;
import dev.idempotency.StoreUnavailableException;
import dev.idempotency.internal.Backoff;
import dev.idempotency.internal.Listeners;
import dev.idempotency.internal.Require;
import dev.idempotency.internal.StoreCalls;
import dev.idempotency.spi.LockStore;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Distributed, re-entrant locks with fencing tokens, leases and an optional watchdog.
 *
 * <pre>{@code
 * try (LockHandle lock = locks.tryLock(key, LockOptions.builder().maxWait(Duration.ofSeconds(2)).build())
 *         .orElseThrow(() -> new Busy())) {
 *   writeWithFence(lock.fencingToken());
 * }
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>At most one owner holds a key's lock while its lease runs (decided by the backend's clock);
 *       not acquiring it in time returns an empty {@link Optional}, never an exception.</li>
 *   <li>Every acquisition carries a fencing token greater than every earlier acquisition's.</li>
 *   <li>Only the owner releases or extends; a release after the lease expired and another owner
 *       took the lock changes nothing.</li>
 *   <li>The same owner (by default the same thread of the same {@code DistributedLocks}) re-enters
 *       the lock; it is free once every hold is released.</li>
 *   <li>A bounded wait polls the store with capped, jittered exponential backoff (10 ms up to 200 ms),
 *       not in a tight loop.</li>
 * </ul>
 *
 * <p>Round trips: acquire 1 (plus one per backoff step while waiting), release 1, extend 1.
 * Thread-safe; {@link #close()} stops the watchdog scheduler it created.
 */
public final class DistributedLocks implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DistributedLocks.class);

  private final LockStore store;
  private final LockOptions defaults;
  private final IdempotencyListener listener;
  private final String instanceId = UUID.randomUUID().toString();
  private final ScheduledExecutorService suppliedScheduler;
  private volatile ScheduledExecutorService ownScheduler;

  private DistributedLocks(Builder b) {
    this.store = b.store;
    this.defaults = b.defaults;
    this.listener = b.listener;
    this.suppliedScheduler = b.scheduler;
  }

  /**
   * Starts building on a store.
   *
   * @param store the backend
   * @return a builder
   */
  public static Builder builder(LockStore store) {
    return new Builder(Require.nonNull(store, "store"));
  }

  /**
   * Tries to acquire a lock with the default options.
   *
   * @param key the lock's key
   * @return the handle, or empty if another owner holds it
   * @throws StoreUnavailableException if the store cannot be reached
   */
  public Optional<LockHandle> tryLock(IdempotencyKey key) {
    return tryLock(key, defaults);
  }

  /**
   * Tries to acquire a lock, waiting up to {@link LockOptions#maxWait()}.
   *
   * @param key the lock's key
   * @param options lease, wait, watchdog and owner
   * @return the handle, or empty if another owner held it throughout the wait
   * @throws StoreUnavailableException if the store cannot be reached
   */
  public Optional<LockHandle> tryLock(IdempotencyKey key, LockOptions options) {
    Require.nonNull(key, "key");
    Require.nonNull(options, "options");
    String owner = options.owner() != null ? options.owner()
        : instanceId + ":" + Thread.currentThread().getId();
    String storageKey = key.storageKey();
    long deadline = System.nanoTime() + options.maxWait().toNanos();
    Backoff backoff = null;
    while (true) {
      OptionalLong token = StoreCalls.call(store.name(), "acquire lock", listener, key.namespace(),
          () -> store.tryAcquire(storageKey, owner, options.lease()));
      if (token.isPresent()) {
        Listeners.report(listener, IdempotencyEvent.LOCK_ACQUIRED, key.namespace());
        Handle handle = new Handle(key, storageKey, owner, token.getAsLong(), options);
        if (options.watchdog()) {
          handle.startWatchdog();
        }
        return Optional.of(handle);
      }
      if (backoff == null) {
        backoff = new Backoff(10, 200);
      }
      boolean slept;
      try {
        slept = backoff.pause(deadline);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        slept = false;
      }
      if (!slept) {
        Listeners.report(listener, IdempotencyEvent.LOCK_CONTENDED, key.namespace());
        return Optional.empty();
      }
    }
  }

  /** Stops the watchdog scheduler this instance created (a supplied one is left alone). */
  @Override
  public void close() {
    ScheduledExecutorService s = ownScheduler;
    if (s != null) {
      s.shutdownNow();
    }
  }

  private ScheduledExecutorService scheduler() {
    if (suppliedScheduler != null) {
      return suppliedScheduler;
    }
    ScheduledExecutorService s = ownScheduler;
    if (s == null) {
      synchronized (this) {
        s = ownScheduler;
        if (s == null) {
          s = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "idempotency-lock-watchdog");
            t.setDaemon(true);
            return t;
          });
          ownScheduler = s;
        }
      }
    }
    return s;
  }

  private final class Handle implements LockHandle {
    private final IdempotencyKey key;
    private final String storageKey;
    private final String owner;
    private final long fencingToken;
    private final LockOptions options;
    private final AtomicBoolean released = new AtomicBoolean();
    private final AtomicBoolean lost = new AtomicBoolean();
    private volatile ScheduledFuture<?> watchdog;
    private volatile long lastRenewalNanos = System.nanoTime();

    Handle(IdempotencyKey key, String storageKey, String owner, long fencingToken, LockOptions options) {
      this.key = key;
      this.storageKey = storageKey;
      this.owner = owner;
      this.fencingToken = fencingToken;
      this.options = options;
    }

    void startWatchdog() {
      long period = Math.max(1, options.lease().toMillis() / 3);
      watchdog = scheduler().scheduleAtFixedRate(this::renew, period, period, TimeUnit.MILLISECONDS);
    }

    private void renew() {
      if (released.get() || lost.get()) {
        return;
      }
      boolean extended;
      try {
        extended = store.extend(storageKey, owner, options.lease());
      } catch (RuntimeException e) {
        // A passing failure: keep trying until the lease we last secured would have run out.
        if (System.nanoTime() - lastRenewalNanos < options.lease().toNanos()) {
          LOG.debug("lock {} renewal failed, retrying: {}", key, e.toString());
          return;
        }
        LOG.warn("lock {} could not be renewed before its lease ran out", key, e);
        extended = false;
      }
      if (extended) {
        lastRenewalNanos = System.nanoTime();
        return;
      }
      if (lost.compareAndSet(false, true)) {
        cancelWatchdog();
        Listeners.report(listener, IdempotencyEvent.LOCK_RENEWAL_FAILED, key.namespace());
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
    public long fencingToken() {
      return fencingToken;
    }

    @Override
    public boolean extend(Duration lease) {
      Require.storedDuration(lease, "lease");
      if (released.get()) {
        return false;
      }
      return StoreCalls.call(store.name(), "extend lock", listener, key.namespace(),
          () -> store.extend(storageKey, owner, lease));
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
      return StoreCalls.call(store.name(), "release lock", listener, key.namespace(),
          () -> store.release(storageKey, owner));
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

  /** Builds {@link DistributedLocks}; not thread-safe. */
  public static final class Builder {
    private final LockStore store;
    private LockOptions defaults = LockOptions.DEFAULTS;
    private IdempotencyListener listener = IdempotencyListener.NOOP;
    private ScheduledExecutorService scheduler;

    private Builder(LockStore store) {
      this.store = store;
    }

    /**
     * Sets the options {@link #tryLock(IdempotencyKey)} uses.
     *
     * @param defaults the options
     * @return this builder
     */
    public Builder defaults(LockOptions defaults) {
      this.defaults = Require.nonNull(defaults, "defaults");
      return this;
    }

    /**
     * Sets the listener.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(IdempotencyListener listener) {
      this.listener = Require.nonNull(listener, "listener");
      return this;
    }

    /**
     * Runs watchdogs on this scheduler instead of a daemon thread of this instance's own.
     *
     * @param scheduler the scheduler; the caller shuts it down
     * @return this builder
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Require.nonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Builds the lock service.
     *
     * @return the service
     */
    public DistributedLocks build() {
      return new DistributedLocks(this);
    }
  }
}
