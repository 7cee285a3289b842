package dev.idempotency;

import dev.idempotency.codec.ResultCodec;
import dev.idempotency.internal.Backoff;
import dev.idempotency.internal.Envelope;
import dev.idempotency.internal.Exceptions;
import dev.idempotency.internal.Listeners;
import dev.idempotency.internal.Require;
import dev.idempotency.internal.StoreCalls;
import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.StoredRecord;
import java.lang.reflect.Constructor;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an action at most once per key and replays its result to every duplicate: claim, run,
 * complete, replay, release. All of that logic is here, once, for every backend; the
 * {@link IdempotencyStore} only answers atomic questions.
 *
 * <pre>{@code
 * IdempotencyEngine engine = IdempotencyEngine.builder(InMemoryBackend.create().idempotencyStore()).build();
 * CallResult<String> r = engine.execute(IdempotencyKey.of("orders", userId, requestKey),
 *     Fingerprint.sha256(canonicalBody), Codecs.string(), claim -> placeOrder(body));
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>Of any number of concurrent callers with one key, across threads, processes and store
 *       clients, exactly one runs the action while its claim is live; the claim is one atomic step on
 *       the backend.</li>
 *   <li>A duplicate after completion gets the stored result, marked {@link CallResult#replayed()};
 *       a duplicate with another fingerprint gets {@link KeyReusedException} and nothing runs; a
 *       duplicate during the first call gets {@link RequestInProgressException} or waits, by
 *       {@link InProgressPolicy}.</li>
 *   <li>A failing action releases the claim (a retry runs again) unless its exception is declared
 *       terminal, in which case the failure is stored and replayed.</li>
 *   <li>An owner whose lease expired and was taken over cannot store its late result: it gets
 *       {@link ClaimLostException}, and the new owner's record stands.</li>
 *   <li>A store that cannot be reached gives {@link StoreUnavailableException}, never a driver
 *       exception.</li>
 * </ul>
 *
 * <p>Round trips per call: a first call makes two (claim, complete); a replay makes one (claim);
 * a failure makes two (claim, release). Thread-safe; create one per store and share it.
 */
public final class IdempotencyEngine {
  private static final Logger LOG = LoggerFactory.getLogger(IdempotencyEngine.class);

  private final IdempotencyStore store;
  private final CallOptions defaults;
  private final IdempotencyListener listener;

  private IdempotencyEngine(Builder b) {
    this.store = b.store;
    this.defaults = b.defaults;
    this.listener = b.listener;
  }

  /**
   * Starts building an engine on a store.
   *
   * @param store the backend
   * @return a builder
   */
  public static Builder builder(IdempotencyStore store) {
    return new Builder(Require.nonNull(store, "store"));
  }

  /**
   * The options calls use unless they pass their own.
   *
   * @return the default options
   */
  public CallOptions defaults() {
    return defaults;
  }

  /**
   * Runs an action once per key under the default options.
   *
   * @param <T> the result type
   * @param <X> the action's checked exception
   * @param key the operation's key
   * @param fingerprint the request's fingerprint, or {@link Fingerprint#none()}
   * @param codec how the result is stored
   * @param action the work
   * @return the result, fresh or replayed
   * @throws X the action's own failure, unchanged (or a replayed terminal failure)
   */
  public <T, X extends Exception> CallResult<T> execute(IdempotencyKey key, Fingerprint fingerprint,
      ResultCodec<T> codec, IdempotentAction<T, X> action) throws X {
    return execute(key, fingerprint, codec, defaults, action);
  }

  /**
   * Runs an action once per key.
   *
   * @param <T> the result type
   * @param <X> the action's checked exception
   * @param key the operation's key
   * @param fingerprint the request's fingerprint, or {@link Fingerprint#none()}
   * @param codec how the result is stored
   * @param options lease, retention, in-progress policy and terminal exceptions for this call
   * @param action the work
   * @return the result, fresh or replayed
   * @throws X the action's own failure, unchanged (or a replayed terminal failure)
   */
  public <T, X extends Exception> CallResult<T> execute(IdempotencyKey key, Fingerprint fingerprint,
      ResultCodec<T> codec, CallOptions options, IdempotentAction<T, X> action) throws X {
    Require.nonNull(key, "key");
    Require.nonNull(fingerprint, "fingerprint");
    Require.nonNull(codec, "codec");
    Require.nonNull(options, "options");
    Require.nonNull(action, "action");

    String storageKey = key.storageKey();
    Object claimed = claimOrReplay(key, storageKey, fingerprint, codec, options);
    if (claimed instanceof CallResult<?>) {
      @SuppressWarnings("unchecked")
      CallResult<T> replayed = (CallResult<T>) claimed;
      return replayed;
    }
    long token = (Long) claimed;
    T value;
    try {
      value = action.run(new Claim(key, token));
    } catch (Throwable failure) {
      throw Exceptions.rethrow(afterFailure(key, storageKey, options, token, failure));
    }
    return afterSuccess(key, storageKey, codec, options, token, value);
  }

  /**
   * Runs an asynchronous action once per key. The key is claimed before the action is called (a
   * duplicate is replayed, rejected or awaited right here, on the calling thread); the claim is
   * completed or released when the action's future completes.
   *
   * @param <T> the result type
   * @param key the operation's key
   * @param fingerprint the request's fingerprint, or {@link Fingerprint#none()}
   * @param codec how the result is stored
   * @param options lease, retention, in-progress policy and terminal exceptions for this call
   * @param action starts the work and returns its future
   * @return a future of the result, fresh or replayed; it fails with the action's own failure
   *     (or a replayed terminal failure), or with this library's exceptions
   */
  public <T> CompletableFuture<CallResult<T>> executeAsync(IdempotencyKey key, Fingerprint fingerprint,
      ResultCodec<T> codec, CallOptions options, AsyncAction<T> action) {
    Require.nonNull(key, "key");
    Require.nonNull(fingerprint, "fingerprint");
    Require.nonNull(codec, "codec");
    Require.nonNull(options, "options");
    Require.nonNull(action, "action");
    String storageKey = key.storageKey();
    Object claimed;
    try {
      claimed = claimOrReplay(key, storageKey, fingerprint, codec, options);
    } catch (Throwable t) {
      return CompletableFuture.failedFuture(t);
    }
    if (claimed instanceof CallResult<?>) {
      @SuppressWarnings("unchecked")
      CallResult<T> replayed = (CallResult<T>) claimed;
      return CompletableFuture.completedFuture(replayed);
    }
    long token = (Long) claimed;
    CompletionStage<T> stage;
    try {
      stage = action.start(new Claim(key, token));
      Require.nonNull(stage, "the action's future");
    } catch (Throwable failure) {
      return CompletableFuture.failedFuture(afterFailure(key, storageKey, options, token, failure));
    }
    CompletableFuture<CallResult<T>> result = new CompletableFuture<>();
    stage.whenComplete((value, error) -> {
      if (error != null) {
        Throwable failure = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        result.completeExceptionally(afterFailure(key, storageKey, options, token, failure));
        return;
      }
      try {
        result.complete(afterSuccess(key, storageKey, codec, options, token, value));
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    });
    return result;
  }

  /**
   * Work that completes later.
   *
   * @param <T> the result type
   */
  @FunctionalInterface
  public interface AsyncAction<T> {
    /**
     * Starts the work, once per key.
     *
     * @param claim the claim the work runs under
     * @return the work's future
     * @throws Exception a failure to start
     */
    CompletionStage<T> start(Claim claim) throws Exception;
  }

  /**
   * Claims the key, or resolves a duplicate: returns the fencing token (a Long) when this call owns
   * the key, or the replayed {@link CallResult}; throws in-progress, key-reused, replayed terminal
   * failures and store failures.
   */
  private <T> Object claimOrReplay(IdempotencyKey key, String storageKey, Fingerprint fingerprint,
      ResultCodec<T> codec, CallOptions options) {
    long deadline = options.inProgress().waits()
        ? System.nanoTime() + options.inProgress().maxWait().toNanos()
        : 0;
    Backoff backoff = null;
    while (true) {
      ClaimResult claim = call("claim", () -> store.claim(storageKey, fingerprint.value(), options.lease()), key);
      if (claim instanceof ClaimResult.Acquired acquired) {
        return acquired.fencingToken();
      }
      StoredRecord existing = ((ClaimResult.Existing) claim).record();
      if (!existing.fingerprint().equals(fingerprint.value())) {
        report(IdempotencyEvent.KEY_REUSED, key);
        LOG.debug("key {} reused with another fingerprint", key);
        throw new KeyReusedException(key);
      }
      if (existing.status() == StoredRecord.Status.COMPLETED) {
        return replay(key, codec, options, existing);
      }
      // In progress under another owner.
      if (!options.inProgress().waits()) {
        report(IdempotencyEvent.IN_PROGRESS, key);
        LOG.debug("key {} is in progress; rejected", key);
        throw new RequestInProgressException(key, "a call with key " + key + " is still in progress");
      }
      if (backoff == null) {
        backoff = new Backoff(5, 100);
      }
      boolean slept;
      try {
        slept = backoff.pause(deadline);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        report(IdempotencyEvent.IN_PROGRESS, key);
        throw new RequestInProgressException(key, "interrupted while waiting for the call with key "
            + key + " in progress");
      }
      if (!slept) {
        report(IdempotencyEvent.IN_PROGRESS, key);
        LOG.debug("key {} still in progress after {}", key, options.inProgress().maxWait());
        throw new RequestInProgressException(key, "a call with key " + key
            + " is still in progress after waiting " + options.inProgress().maxWait());
      }
    }
  }

  /**
   * Reads the record of a key as the store has it now, for diagnosis and tests.
   *
   * @param key the key
   * @return the live record, if any
   */
  public Optional<StoredRecord> lookup(IdempotencyKey key) {
    Require.nonNull(key, "key");
    return call("find", () -> store.find(key.storageKey()), key);
  }

  /** Settles a failed action: stores a terminal failure or releases the claim; returns the failure. */
  private Throwable afterFailure(IdempotencyKey key, String storageKey, CallOptions options, long token,
      Throwable failure) {
    if (options.isTerminal(failure)) {
      storeFailure(key, storageKey, options, token, failure);
    } else {
      releaseAfterFailure(key, storageKey, token, failure);
    }
    return failure;
  }

  /** Settles a successful action: encodes and stores its result under the claim. */
  private <T> CallResult<T> afterSuccess(IdempotencyKey key, String storageKey, ResultCodec<T> codec,
      CallOptions options, long token, T value) {
    byte[] envelope;
    try {
      envelope = Envelope.value(value == null ? null : codec.encode(value));
    } catch (RuntimeException e) {
      ResultCodecException codecFailure = e instanceof ResultCodecException rce ? rce
          : new ResultCodecException("cannot encode the result of " + key, e);
      releaseAfterFailure(key, storageKey, token, codecFailure);
      throw codecFailure;
    }

    boolean stored;
    try {
      stored = store.complete(storageKey, token, envelope, options.retention());
    } catch (RuntimeException e) {
      // The action has run: its result is the caller's, even if it could not be stored. Throwing
      // here would invite the client to retry a call that succeeded. Duplicates see the claim in
      // progress until its lease expires.
      report(IdempotencyEvent.COMPLETION_FAILED, key);
      LOG.error("the action for {} ran but its result could not be stored in {}; duplicates are "
          + "refused as in progress until the lease expires", key, store.name(), e);
      return new CallResult<>(value, false, token);
    }
    if (!stored) {
      report(IdempotencyEvent.CLAIM_LOST, key);
      LOG.warn("claim on {} (fencing token {}) expired before completion and was taken over; "
          + "the lease ({}) is shorter than the action", key, token, options.lease());
      throw new ClaimLostException(key, token);
    }
    report(IdempotencyEvent.EXECUTED, key);
    return new CallResult<>(value, false, token);
  }

  private <T> CallResult<T> replay(IdempotencyKey key, ResultCodec<T> codec, CallOptions options,
      StoredRecord record) {
    byte[] envelope = record.payload();
    switch (Envelope.kind(envelope)) {
      case Envelope.NULL:
        report(IdempotencyEvent.REPLAYED, key);
        return new CallResult<>(null, true, record.fencingToken());
      case Envelope.VALUE:
        T value;
        try {
          value = codec.decode(Envelope.valueBytes(envelope));
        } catch (ResultCodecException e) {
          throw e;
        } catch (RuntimeException e) {
          throw new ResultCodecException("cannot decode the stored result of " + key, e);
        }
        report(IdempotencyEvent.REPLAYED, key);
        LOG.debug("replayed the stored result of {}", key);
        return new CallResult<>(value, true, record.fencingToken());
      default:
        report(IdempotencyEvent.REPLAYED, key);
        throw Exceptions.rethrow(recreate(Envelope.failureOf(envelope), options));
    }
  }

  private void storeFailure(IdempotencyKey key, String storageKey, CallOptions options, long token,
      Throwable failure) {
    byte[] envelope = Envelope.failure(failure.getClass().getName(), failure.getMessage());
    try {
      if (store.complete(storageKey, token, envelope, options.retention())) {
        report(IdempotencyEvent.FAILURE_STORED, key);
      } else {
        report(IdempotencyEvent.CLAIM_LOST, key);
        LOG.warn("claim on {} expired before its terminal failure could be stored", key);
      }
    } catch (RuntimeException e) {
      report(IdempotencyEvent.COMPLETION_FAILED, key);
      failure.addSuppressed(new StoreUnavailableException(store.name(), "complete", e));
    }
  }

  private void releaseAfterFailure(IdempotencyKey key, String storageKey, long token,
      Throwable failure) {
    try {
      store.release(storageKey, token);
      report(IdempotencyEvent.RELEASED_AFTER_FAILURE, key);
      LOG.debug("released {} after a failure so that a retry can run", key);
    } catch (RuntimeException e) {
      // The claim stays until its lease expires; the caller sees its own failure first.
      report(IdempotencyEvent.STORE_UNAVAILABLE, key);
      failure.addSuppressed(new StoreUnavailableException(store.name(), "release", e));
    }
  }

  /**
   * Re-creates a stored terminal failure. Only a type that is, or extends, one the caller declared
   * terminal is ever instantiated, through its public (String) or no-argument constructor: the
   * declared list is the allow-list, so stored data cannot make the engine build arbitrary classes.
   */
  private static Throwable recreate(Envelope.StoredFailure stored, CallOptions options) {
    for (Class<? extends Throwable> declared : options.terminal()) {
      Class<?> type;
      if (declared.getName().equals(stored.type())) {
        type = declared;
      } else {
        try {
          type = Class.forName(stored.type(), false, declared.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
          continue;
        }
        if (!declared.isAssignableFrom(type)) {
          continue;
        }
      }
      Throwable t = instantiate(type, stored.message());
      if (t != null) {
        return t;
      }
    }
    return new ReplayedFailureException(stored.type(), stored.message());
  }

  private static Throwable instantiate(Class<?> type, String message) {
    try {
      Constructor<?> c = type.getConstructor(String.class);
      return (Throwable) c.newInstance(message);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // fall through to the no-argument constructor
    }
    if (message == null) {
      try {
        return (Throwable) type.getConstructor().newInstance();
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null;
      }
    }
    return null;
  }

  private <R> R call(String operation, java.util.function.Supplier<R> call, IdempotencyKey key) {
    return StoreCalls.call(store.name(), operation, listener, key.namespace(), call);
  }

  private void report(IdempotencyEvent event, IdempotencyKey key) {
    Listeners.report(listener, event, key.namespace());
  }

  /** Builds an {@link IdempotencyEngine}; not thread-safe. */
  public static final class Builder {
    private final IdempotencyStore store;
    private CallOptions defaults = CallOptions.DEFAULTS;
    private IdempotencyListener listener = IdempotencyListener.NOOP;

    private Builder(IdempotencyStore store) {
      this.store = store;
    }

    /**
     * Sets the options calls use unless they pass their own.
     *
     * @param defaults the options
     * @return this builder
     */
    public Builder defaults(CallOptions defaults) {
      this.defaults = Require.nonNull(defaults, "defaults");
      return this;
    }

    /**
     * Sets the listener that receives every outcome.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(IdempotencyListener listener) {
      this.listener = Require.nonNull(listener, "listener");
      return this;
    }

    /**
     * Builds the engine.
     *
     * @return the engine
     */
    public IdempotencyEngine build() {
      return new IdempotencyEngine(this);
    }
  }
}
