package dev.idempotency.lock;

import dev.idempotency.FencingToken;
import dev.idempotency.IdempotencyEvent;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.IdempotencyListener;
import dev.idempotency.InvalidInputException;
import dev.idempotency.StoreUnavailableException;
import dev.idempotency.TimeSource;
import dev.idempotency.defence.DefenceOutcome;
import dev.idempotency.defence.Layer;
import dev.idempotency.internal.Polling;
import dev.idempotency.spi.LockStore;
import dev.idempotency.spi.StoreStep;
import dev.idempotency.spi.support.Listeners;
import dev.idempotency.spi.support.Require;
import dev.idempotency.spi.support.StoreCalls;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;

// Size: the lock API (try, wait, re-entry, watchdog renewal, release) with its Javadoc, and its layer
// factories; the layer itself is LockLayer.
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
 * A watchdog tells its owner of a lost lock at least a tenth of the lease before the lease it last
 * secured ends, on a timer of its own (see {@link LockOptions.Builder#watchdog}).
 * Thread-safe; {@link #close()} stops the watchdog scheduler and renewal threads it created.
 */
public final class DistributedLocks implements AutoCloseable {
  private final LockStore store;
  private final LockOptions defaults;
  private final IdempotencyListener listener;
  private final String instanceId = UUID.randomUUID().toString();
  private final ScheduledExecutorService suppliedScheduler;
  private final TimeSource time;
  private volatile ScheduledExecutorService ownScheduler;
  private volatile ExecutorService renewals;

  private DistributedLocks(Builder b) {
    this.store = b.store;
    this.defaults = b.defaults;
    this.listener = b.listener;
    this.suppliedScheduler = b.scheduler;
    this.time = b.time;
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
    Optional<LockHandle> handle;
    try {
      handle = Polling.poll(time, time.nanoTime() + options.maxWait().toNanos(), 10, 200, () -> {
        // The lease runs from no earlier than the moment the request is sent.
        long sentNanos = time.nanoTime();
        OptionalLong token = StoreCalls.call(store.name(), "acquire lock", listener, key.namespace(),
            () -> store.tryAcquire(storageKey, owner, options.lease()));
        return token.isPresent()
            ? Optional.of(new FencedLock(this, key, storageKey, owner, FencingToken.of(token.getAsLong()), options,
                sentNanos))
            : Optional.empty();
      });
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      handle = Optional.empty();
    }
    return reported(key, options, handle);
  }

  private Optional<LockHandle> reported(IdempotencyKey key, LockOptions options, Optional<LockHandle> handle) {
    if (handle.isEmpty()) {
      Listeners.report(listener, IdempotencyEvent.LOCK_CONTENDED, key.namespace());
      return handle;
    }
    Listeners.report(listener, IdempotencyEvent.LOCK_ACQUIRED, key.namespace());
    if (options.watchdog()) {
      ((FencedLock) handle.get()).startWatchdog();
    }
    return handle;
  }

  /**
   * One attempt of {@link #tryLock(IdempotencyKey, LockOptions)} as a step its backend can send
   * with others; its lease runs from no earlier than the attempt's creation.
   */
  final class Attempt {
    final IdempotencyKey key;
    final String storageKey;
    final String owner;
    final LockOptions options;
    final long sentNanos;
    final StoreStep<OptionalLong> step;

    private Attempt(IdempotencyKey key, String owner, LockOptions options, StoreStep<OptionalLong> step,
        long sentNanos) {
      this.key = key;
      this.storageKey = key.storageKey();
      this.owner = owner;
      this.options = options;
      this.step = step;
      this.sentNanos = sentNanos;
    }

    /** The step's round trip failed: reported as {@link #tryLock(IdempotencyKey, LockOptions)} reports it. */
    void failed(RuntimeException failure) {
      if (failure instanceof StoreUnavailableException) {
        Listeners.report(listener, IdempotencyEvent.STORE_UNAVAILABLE, key.namespace());
      }
    }

    /**
     * The lock for what the step answered, as {@link #tryLock(IdempotencyKey, LockOptions)} returns
     * it; held by another owner and with a wait in the options, it waits for it as that does.
     */
    Optional<LockHandle> handle(OptionalLong token) {
      if (token.isEmpty() && !options.maxWait().isZero()) {
        return tryLock(key, options);
      }
      return reported(key, options, token.isPresent()
          ? Optional.of(new FencedLock(DistributedLocks.this, key, storageKey, owner,
              FencingToken.of(token.getAsLong()), options, sentNanos))
          : Optional.empty());
    }
  }

  /** Whether the store hands out steps ({@link #attempt} may return one). */
  boolean hasSteps() {
    return store.stepRunner() != null;
  }

  /** An attempt at the lock as a step its backend can send with others, or null if it cannot. */
  Attempt attempt(IdempotencyKey key, LockOptions options) {
    if (store.stepRunner() == null) {
      return null;
    }
    Require.nonNull(key, "key");
    Require.nonNull(options, "options");
    String owner = options.owner() != null ? options.owner()
        : instanceId + ":" + Thread.currentThread().getId();
    long sentNanos = time.nanoTime();
    StoreStep<OptionalLong> step = store.tryAcquireStep(key.storageKey(), owner, options.lease());
    return step == null ? null : new Attempt(key, owner, options, step, sentNanos);
  }

  /** Stops the watchdog scheduler and renewal threads this instance created (a supplied scheduler is left alone). */
  @Override
  public void close() {
    ScheduledExecutorService s = ownScheduler;
    if (s != null) {
      s.shutdownNow();
    }
    ExecutorService r = renewals;
    if (r != null) {
      r.shutdownNow();
    }
  }

  LockStore store() {
    return store;
  }

  IdempotencyListener listener() {
    return listener;
  }

  TimeSource time() {
    return time;
  }

  ScheduledExecutorService scheduler() {
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

  /**
   * Where watchdog renewals run: threads of their own, so a renewal hanging on a frozen server never
   * delays a watchdog's deadline on the scheduler. Idle threads end after a minute.
   */
  ExecutorService renewals() {
    ExecutorService r = renewals;
    if (r == null) {
      synchronized (this) {
        r = renewals;
        if (r == null) {
          ThreadPoolExecutor pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
              new SynchronousQueue<>(), runnable -> {
                Thread t = new Thread(runnable, "idempotency-lock-renewal");
                t.setDaemon(true);
                return t;
              });
          renewals = r = pool;
        }
      }
    }
    return r;
  }

  /** Builds {@link DistributedLocks}; not thread-safe. */
  public static final class Builder {
    private final LockStore store;
    private LockOptions defaults = LockOptions.DEFAULTS;
    private IdempotencyListener listener = IdempotencyListener.NOOP;
    private ScheduledExecutorService scheduler;
    private TimeSource time = TimeSource.system();

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
     * Sets the time source that measures waits and the watchdog's renewals (default
     * {@link TimeSource#system()}).
     *
     * @param time the time source
     * @return this builder
     */
    public Builder timeSource(TimeSource time) {
      this.time = Require.nonNull(time, "timeSource");
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

  /**
   * This lock service as a layer of a {@link dev.idempotency.defence.LayeredDefence}: it holds the
   * request's lock while the inner layers and the action run; a lock held by someone else throughout
   * the wait stops the request ({@link DefenceOutcome.Reason#LOCKED}). Inside the action of a
   * synchronous idempotent call ({@code IdempotencyEngine.execute}) whose store shares
   * this store's step runner (one Redis backend), the release is sent with the call's completion, in
   * one round trip: the lock is held until then, and released alone before the claim if the call
   * fails (see the contract, section 8).
   *
   * @param <R> the request type
   * @param <T> the result type
   * @param key the lock's key
   * @param options lease, wait and watchdog
   * @return the layer, named {@code "lock"}; thread-safe
   * @throws InvalidInputException if an argument is null
   */
  public <R, T> Layer<R, T> asLayer(Function<? super R, IdempotencyKey> key, LockOptions options) {
    return asLayer(key, options, (request, token) -> { });
  }

  /**
   * As {@link #asLayer(Function, LockOptions)}, and hands the lock's fencing token to the request
   * before the inner layers run, so that the write made under the lock can be fenced: the store of
   * record refuses a write whose token is lower than the last one it accepted, which stops an owner
   * whose lease ran out while it was paused.
   *
   * @param <R> the request type
   * @param <T> the result type
   * @param key the lock's key
   * @param options lease, wait and watchdog
   * @param onAcquired given the request and the lock's fencing token once the lock is held, on the
   *     calling thread, before the inner layers run; what it throws releases the lock and propagates
   * @return the layer, named {@code "lock"}; thread-safe
   * @throws InvalidInputException if an argument is null
   */
  public <R, T> Layer<R, T> asLayer(Function<? super R, IdempotencyKey> key, LockOptions options,
      BiConsumer<? super R, ? super FencingToken> onAcquired) {
    return new LockLayer<>(this, Require.nonNull(key, "key"), Require.nonNull(options, "options"),
        Require.nonNull(onAcquired, "onAcquired"));
  }
}
