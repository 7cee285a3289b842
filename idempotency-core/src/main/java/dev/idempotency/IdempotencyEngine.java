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
 *   <li>A store that fails when the result is stored is retried, with capped and jittered backoff,
 *       until the claim's lease ends (the fencing token makes a repeated completion safe): a store
 *       hiccup that ends before the lease does never makes the action run twice. Meanwhile the
 *       caller waits; duplicates see the call in progress.</li>
 *   <li>A result that can never be stored (the codec refuses it, it is larger than
 *       {@link CallOptions#maxResultBytes()} or the store's {@code maxPayloadBytes()}, the store
 *       refuses it through the whole lease) completes the key with a marker: duplicates get
 *       {@link ResultNotStoredException} for the retention, and the action never runs again. The
 *       first caller gets its result.</li>
 * </ul>
 *
 * <h2>What remains</h2>
 * If the store stays unreachable from the end of the action until the lease ends, the result is
 * lost ({@link IdempotencyEvent#COMPLETION_FAILED}, logged as an error) and a caller after the lease
 * may run the action again. Two ways close that window: fence the action's writes with
 * {@link Claim#fencingToken()} (a write under an older token is refused), or, on JDBC, run the call
 * in the caller's transaction ({@code JdbcBackend.transactionalCalls}), where the claim, the
 * action's writes and the result commit or roll back together.
 *
 * <p>Round trips per call: a first call makes two (claim, complete); a replay makes one (claim);
 * a failure makes two (claim, release). Thread-safe; create one per store and share it.
 */
public final class IdempotencyEngine {
  private static final Logger LOG = LoggerFactory.getLogger(IdempotencyEngine.class);
  private static final long MARKER_MARGIN_NANOS = 5_000_000_000L;

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
    Owned owned = (Owned) claimed;
    T value;
    try {
      value = action.run(new Claim(key, owned.token()));
    } catch (Throwable failure) {
      throw Exceptions.rethrow(afterFailure(key, storageKey, options, owned, failure));
    }
    return afterSuccess(key, storageKey, codec, options, owned, value);
  }

  /**
   * Runs an asynchronous action once per key. The key is claimed before the action is called (a
   * duplicate is replayed, rejected or awaited right here, on the calling thread); the claim is
   * completed or released when the action's future completes, on the thread that completes it. A
   * store failing at that moment is retried within the lease on that thread, as in
   * {@link #execute}.
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
    Owned owned = (Owned) claimed;
    CompletionStage<T> stage;
    try {
      stage = action.start(new Claim(key, owned.token()));
      Require.nonNull(stage, "the action's future");
    } catch (Throwable failure) {
      return CompletableFuture.failedFuture(afterFailure(key, storageKey, options, owned, failure));
    }
    CompletableFuture<CallResult<T>> result = new CompletableFuture<>();
    stage.whenComplete((value, error) -> {
      if (error != null) {
        Throwable failure = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        result.completeExceptionally(afterFailure(key, storageKey, options, owned, failure));
        return;
      }
      try {
        result.complete(afterSuccess(key, storageKey, codec, options, owned, value));
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

  /** A claim this call owns: its fencing token and when its lease ends, on {@link System#nanoTime()}'s scale. */
  private record Owned(long token, long leaseEndsNanos) {}

  /**
   * Claims the key, or resolves a duplicate: returns {@link Owned} when this call owns the key, or
   * the replayed {@link CallResult}; throws in-progress, key-reused, replayed terminal failures and
   * store failures.
   */
  private <T> Object claimOrReplay(IdempotencyKey key, String storageKey, Fingerprint fingerprint,
      ResultCodec<T> codec, CallOptions options) {
    long deadline = options.inProgress().waits()
        ? System.nanoTime() + options.inProgress().maxWait().toNanos()
        : 0;
    Backoff backoff = null;
    while (true) {
      // Read before the round trip: the lease is measured from no later than the server started it.
      long claimedAt = System.nanoTime();
      ClaimResult claim = call("claim", () -> store.claim(storageKey, fingerprint.value(), options.lease()), key);
      if (claim instanceof ClaimResult.Acquired acquired) {
        return new Owned(acquired.fencingToken(), claimedAt + options.lease().toNanos());
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
  private Throwable afterFailure(IdempotencyKey key, String storageKey, CallOptions options, Owned owned,
      Throwable failure) {
    if (options.isTerminal(failure)) {
      storeFailure(key, storageKey, options, owned, failure);
    } else {
      releaseAfterFailure(key, storageKey, owned.token(), failure);
    }
    return failure;
  }

  /**
   * Settles a successful action: encodes and stores its result under the claim, retrying a failing
   * store within the lease. A result that can never be stored completes the key with a marker, so
   * the action never runs twice; the caller gets its result either way (the action has run, and
   * failing would invite a retry of a call that succeeded), except in the caller's transaction,
   * where failing rolls the action back with the record.
   */
  private <T> CallResult<T> afterSuccess(IdempotencyKey key, String storageKey, ResultCodec<T> codec,
      CallOptions options, Owned owned, T value) {
    byte[] envelope;
    try {
      envelope = Envelope.value(value == null ? null : codec.encode(value));
    } catch (RuntimeException e) {
      String why = String.valueOf(e.getMessage());
      return notStored(key, storageKey, options, owned, value, "the codec could not encode it: "
          + e.getClass().getSimpleName() + ": " + (why.length() > 300 ? why.substring(0, 300) + "..." : why), e);
    }
    int limit = Math.min(options.maxResultBytes(), store.maxPayloadBytes());
    if (envelope.length > limit) {
      return notStored(key, storageKey, options, owned, value, "it is " + envelope.length
          + " bytes encoded, over the limit of " + limit + " bytes for " + store.name(), null);
    }
    // The result is retried until a fifth of the lease (at most 5 s) is left; that rest is for the marker.
    long margin = Math.min(options.lease().toNanos() / 5, MARKER_MARGIN_NANOS);
    Completion done = complete(key, storageKey, options, owned.token(), owned.leaseEndsNanos() - margin, envelope);
    if (done == Completion.FAILED) {
      // The store kept failing. If it answers the marker, it was this payload it refused (and would
      // refuse forever): the marker keeps any duplicate from running the action. If it does not
      // answer either, nothing more can be done within the lease.
      byte[] marker = Envelope.notStored("the store failed on every attempt to store it");
      if (complete(key, storageKey, options, owned.token(), owned.leaseEndsNanos(), marker) == Completion.STORED) {
        report(IdempotencyEvent.RESULT_NOT_STORED, key);
        LOG.error("the result of {} could not be stored in {} within the lease; completed it with a "
            + "marker, so duplicates get ResultNotStoredException", key, store.name());
      } else {
        report(IdempotencyEvent.COMPLETION_FAILED, key);
        LOG.error("the action for {} ran but its result could not be stored in {} within the lease ({}); "
            + "duplicates see it in progress until the lease ends, after which one may run it again "
            + "unless the action's writes are fenced by claim.fencingToken()", key, store.name(), options.lease());
      }
    } else if (done == Completion.LOST) {
      report(IdempotencyEvent.CLAIM_LOST, key);
      LOG.warn("claim on {} (fencing token {}) expired before completion and was taken over; "
          + "the lease ({}) is shorter than the action", key, owned.token(), options.lease());
      throw new ClaimLostException(key, owned.token());
    } else {
      report(IdempotencyEvent.EXECUTED, key);
    }
    return new CallResult<>(value, false, owned.token());
  }

  /** Completes the key with the marker of a result that can never be stored. */
  private <T> CallResult<T> notStored(IdempotencyKey key, String storageKey, CallOptions options, Owned owned,
      T value, String reason, Throwable cause) {
    if (store.joinsCallerTransaction()) {
      throw new ResultNotStoredException(key, reason, cause);
    }
    Completion done = complete(key, storageKey, options, owned.token(), owned.leaseEndsNanos(), Envelope.notStored(reason));
    if (done == Completion.LOST) {
      report(IdempotencyEvent.CLAIM_LOST, key);
      throw new ClaimLostException(key, owned.token());
    }
    report(done == Completion.STORED ? IdempotencyEvent.RESULT_NOT_STORED : IdempotencyEvent.COMPLETION_FAILED, key);
    LOG.error("the result of {} cannot be stored ({}); {}", key, reason, done == Completion.STORED
        ? "completed the key with a marker: duplicates get ResultNotStoredException and the action does not run again"
        : "and the store failed too: duplicates see it in progress until the lease ends", cause);
    return new CallResult<>(value, false, owned.token());
  }

  /** How storing an outcome ended. */
  private enum Completion { STORED, LOST, FAILED }

  /**
   * Stores an outcome under the claim, retrying a failing store with capped, jittered backoff until
   * the deadline: the fencing token makes a repeated completion safe, and only the claim's owner can
   * complete it. In the caller's transaction nothing is retried: the failure is thrown.
   */
  private Completion complete(IdempotencyKey key, String storageKey, CallOptions options, long token,
      long deadlineNanos, byte[] envelope) {
    Backoff backoff = null;
    while (true) {
      Boolean stored;
      if (store.joinsCallerTransaction()) {
        stored = call("complete", () -> store.complete(storageKey, token, envelope, options.retention()), key);
      } else {
        stored = completeOnce(key, storageKey, token, envelope, options, backoff == null);
      }
      if (stored != null) {
        return stored ? Completion.STORED : Completion.LOST;
      }
      if (backoff == null) {
        backoff = new Backoff(10, 1000);
      }
      report(IdempotencyEvent.COMPLETION_RETRIED, key);
      try {
        if (!backoff.pause(deadlineNanos)) {
          return Completion.FAILED;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Completion.FAILED;
      }
    }
  }

  /** One completion attempt: true stored, false claim lost, null the store failed (logged, at WARN the first time). */
  private Boolean completeOnce(IdempotencyKey key, String storageKey, long token, byte[] envelope,
      CallOptions options, boolean first) {
    try {
      return store.complete(storageKey, token, envelope, options.retention());
    } catch (RuntimeException e) {
      if (first) {
        LOG.warn("storing the outcome of {} in {} failed; retrying within the lease: {}", key, store.name(), e.toString());
      } else {
        LOG.debug("storing the outcome of {} in {} failed again: {}", key, store.name(), e.toString());
      }
      return null;
    }
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
      case Envelope.NOT_STORED:
        report(IdempotencyEvent.REPLAYED, key);
        throw new ResultNotStoredException(key, Envelope.notStoredReason(envelope));
      default:
        report(IdempotencyEvent.REPLAYED, key);
        Envelope.StoredFailure failure = Envelope.failureOf(envelope);
        throw Exceptions.rethrow(StoredFailures.recreate(failure.type(), failure.message(), options));
    }
  }

  private void storeFailure(IdempotencyKey key, String storageKey, CallOptions options, Owned owned,
      Throwable failure) {
    byte[] envelope = Envelope.failure(failure.getClass().getName(), failure.getMessage());
    Completion done;
    try {
      done = complete(key, storageKey, options, owned.token(), owned.leaseEndsNanos(), envelope);
    } catch (StoreUnavailableException e) {
      // In the caller's transaction: the caller sees its own failure and rolls back.
      failure.addSuppressed(e);
      return;
    }
    switch (done) {
      case STORED:
        report(IdempotencyEvent.FAILURE_STORED, key);
        break;
      case LOST:
        report(IdempotencyEvent.CLAIM_LOST, key);
        LOG.warn("claim on {} expired before its terminal failure could be stored", key);
        break;
      default:
        report(IdempotencyEvent.COMPLETION_FAILED, key);
        failure.addSuppressed(new StoreUnavailableException(store.name(), "complete", null));
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
