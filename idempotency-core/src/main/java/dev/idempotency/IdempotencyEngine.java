package dev.idempotency;

import dev.idempotency.codec.ResultCodec;
import dev.idempotency.defence.DefenceOutcome;
import dev.idempotency.defence.Layer;
import dev.idempotency.internal.AfterAction;
import dev.idempotency.internal.Exceptions;
import dev.idempotency.internal.Polling;
import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.StoreStep;
import dev.idempotency.spi.StoredRecord;
import dev.idempotency.spi.support.Listeners;
import dev.idempotency.spi.support.Require;
import dev.idempotency.spi.support.StoreCalls;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

// Size: the whole life of one call (claim, wait or replay, run, settle) with its Builder and
// Javadoc; waiting, settling and replaying are already in Flights, Settlement and Replays.
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
 *       refuses it through the whole lease while it takes a small record) completes the key with a
 *       marker; a store that was only unreachable and is back before the lease ends gets the result
 *       itself, never the marker (the result is tried first on every attempt). Duplicates of a marked key get
 *       {@link ResultNotStoredException} for the retention, and the action never runs again. The
 *       first caller gets its result.</li>
 *   <li>Writes the action leaves for after it (a lock layer's release, when the lock store shares
 *       this store's step runner) are sent with the completion in one round trip, or alone before
 *       the claim is released or a failure stored; each exactly once ({@code execute} only: an
 *       asynchronous action's writes are made at once).</li>
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
 * a failure makes two (claim, release). A duplicate that waits ({@link InProgressPolicy#await})
 * for a call this engine owns makes one (the claim that finds it in progress): the owner wakes it
 * when it ends and hands it the outcome the store accepted, so it neither polls nor reads again;
 * it claims again only if the owner stored nothing (it failed and released, or lost its claim).
 * Duplicates waiting for an owner in another process are watched for by one of them, which polls
 * the store with capped, jittered backoff (5 to 100 ms) and hands the others what it reads. Leases and waits are measured on the builder's
 * {@link TimeSource}. Thread-safe; create one per store and share it.
 */
public final class IdempotencyEngine {
  private static final Logger LOG = LoggerFactory.getLogger(IdempotencyEngine.class);

  private final IdempotencyStore store;
  private final CallOptions defaults;
  private final IdempotencyListener listener;
  private final TimeSource time;
  private static final Predicate<Object> KEEP_ALL = value -> true;
  private final Settlement settlement;
  private final Flights flights = new Flights();

  private IdempotencyEngine(Builder b) {
    this.store = b.store;
    this.defaults = b.defaults;
    this.listener = b.listener;
    this.time = b.time;
    this.settlement = new Settlement(store, listener, time);
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
   * @throws IdempotencyException for everything the library decides: in progress, key reused, claim
   *     lost, store unavailable, invalid input
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
   * @throws IdempotencyException for everything the library decides: in progress, key reused, claim
   *     lost, store unavailable, invalid input
   */
  public <T, X extends Exception> CallResult<T> execute(IdempotencyKey key, Fingerprint fingerprint,
      ResultCodec<T> codec, CallOptions options, IdempotentAction<T, X> action) throws X {
    return execute(key, fingerprint, codec, options, action, KEEP_ALL);
  }

  /**
   * Runs an action once per key, keeping only the results {@code keep} accepts. A result it rejects
   * is returned to this caller (not replayed) and the claim is released, as after a failure, so the
   * next attempt of the key runs the action again: what an HTTP layer does with a 5xx or a streamed
   * response, which a retry should not be answered with.
   *
   * @param <T> the result type
   * @param <X> the action's checked exception
   * @param key the operation's key
   * @param fingerprint the request's fingerprint, or {@link Fingerprint#none()}
   * @param codec how a kept result is stored
   * @param options lease, retention, in-progress policy and terminal exceptions for this call
   * @param action the work
   * @param keep whether a result is stored for replay; called once, on the calling thread, after the
   *     action returned (a predicate that throws counts as the action failing)
   * @return the result, fresh or replayed
   * @throws X the action's own failure, unchanged (or a replayed terminal failure)
   * @throws IdempotencyException as {@link #execute(IdempotencyKey, Fingerprint, ResultCodec, CallOptions,
   *     IdempotentAction)}
   */
  public <T, X extends Exception> CallResult<T> execute(IdempotencyKey key, Fingerprint fingerprint,
      ResultCodec<T> codec, CallOptions options, IdempotentAction<T, X> action, Predicate<? super T> keep)
      throws X {
    return execute(key, fingerprint, codec, options, action, keep, null);
  }

  /**
   * As {@link #execute(IdempotencyKey, Fingerprint, ResultCodec, CallOptions, IdempotentAction,
   * Predicate)}, with the reply of a claim already sent ({@link #claimStep}) as the first attempt's.
   */
  <T, X extends Exception> CallResult<T> execute(IdempotencyKey key, Fingerprint fingerprint,
      ResultCodec<T> codec, CallOptions options, IdempotentAction<T, X> action, Predicate<? super T> keep,
      SentClaim sent) throws X {
    Require.nonNull(key, "key");
    Require.nonNull(fingerprint, "fingerprint");
    Require.nonNull(codec, "codec");
    Require.nonNull(options, "options");
    Require.nonNull(action, "action");
    Require.nonNull(keep, "keep");

    ClaimOutcome<T> claimed = claimOrReplay(key, fingerprint, codec, options, sent);
    if (claimed instanceof Replayed<T> replayed) {
      return replayed.result();
    }
    Settlement.Owned owned = ((Claimed<T>) claimed).owned();
    // Writes the action leaves for after it (a layer's lock release) go with the completion.
    AfterAction.Pending pending = settlement.completesWithSteps() ? AfterAction.open(store.stepRunner()) : null;
    try {
      T value;
      boolean kept;
      try {
        try {
          value = action.run(new Claim(key, owned.token()));
        } finally {
          AfterAction.close(pending);
        }
        kept = keep.test(value);
      } catch (Throwable failure) {
        runAlone(pending);
        throw Exceptions.rethrow(settlement.afterFailure(owned, options, failure));
      }
      if (!kept) {
        runAlone(pending);
        return settlement.afterUnkept(owned, value);
      }
      return settlement.afterSuccess(owned, codec, options, value, pending);
    } finally {
      runAlone(pending); // whatever path was taken, a write left for after the action is made once
      flights.end(owned.flight());
    }
  }

  /** A claim sent ahead of {@link #execute} as a step, and its reply. */
  record SentClaim(ClaimResult reply, long sentAtNanos) {}

  /**
   * The claim of a key as a step of the store's runner, to be sent ahead of the call with other
   * steps, or null when the store hands out none (then the call claims as always).
   */
  StoreStep<ClaimResult> claimStep(IdempotencyKey key, Fingerprint fingerprint, CallOptions options) {
    if (!mayClaimByStep()) {
      return null;
    }
    StoreStep<ClaimResult> step = store.claimStep(key.storageKey(), fingerprint.value(), options.lease());
    return step == null || step.runner() == null ? null : step;
  }

  /** Whether the store may hand out its claim as a step: it has a runner and keeps its own records. */
  boolean mayClaimByStep() {
    return store.stepRunner() != null && !store.joinsCallerTransaction();
  }

  /** Reads this engine's clock: when a claim sent ahead started its round trip. */
  long nanoTime() {
    return time.nanoTime();
  }

  /**
   * Gives back a claim sent ahead that no call will use (a layer in front of the idempotent call
   * stopped the request): releases it at once, so that a retry is not taken for a duplicate.
   */
  void giveBack(IdempotencyKey key, ClaimResult reply) {
    if (reply instanceof ClaimResult.Acquired acquired) {
      call("release", () -> store.release(key.storageKey(), acquired.fencingToken()), key);
    }
  }

  /** Hears that the round trip that carried a claim sent ahead failed, as a failed claim is heard. */
  void claimFailed(IdempotencyKey key, RuntimeException failure) {
    if (failure instanceof StoreUnavailableException) {
      report(IdempotencyEvent.STORE_UNAVAILABLE, key);
    }
  }

  private static void runAlone(AfterAction.Pending pending) {
    if (pending != null) {
      pending.runAlone();
    }
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
    return executeAsync(key, fingerprint, codec, options, action, KEEP_ALL);
  }

  /**
   * Runs an asynchronous action once per key, keeping only the results {@code keep} accepts, as
   * {@link #execute(IdempotencyKey, Fingerprint, ResultCodec, CallOptions, IdempotentAction, Predicate)}
   * does; the predicate is called on the thread that completes the action's future.
   *
   * @param <T> the result type
   * @param key the operation's key
   * @param fingerprint the request's fingerprint, or {@link Fingerprint#none()}
   * @param codec how a kept result is stored
   * @param options lease, retention, in-progress policy and terminal exceptions for this call
   * @param action starts the work and returns its future
   * @param keep whether a result is stored for replay (a rejected one is answered and its claim released)
   * @return a future of the result, fresh or replayed, failing as {@link #executeAsync(IdempotencyKey,
   *     Fingerprint, ResultCodec, CallOptions, AsyncAction)}'s does
   */
  public <T> CompletableFuture<CallResult<T>> executeAsync(IdempotencyKey key, Fingerprint fingerprint,
      ResultCodec<T> codec, CallOptions options, AsyncAction<T> action, Predicate<? super T> keep) {
    ClaimOutcome<T> claimed;
    try {
      Require.nonNull(key, "key");
      Require.nonNull(fingerprint, "fingerprint");
      Require.nonNull(codec, "codec");
      Require.nonNull(options, "options");
      Require.nonNull(action, "action");
      Require.nonNull(keep, "keep");
      claimed = claimOrReplay(key, fingerprint, codec, options, null);
    } catch (Throwable t) {
      return CompletableFuture.failedFuture(t);
    }
    if (claimed instanceof Replayed<T> replayed) {
      return CompletableFuture.completedFuture(replayed.result());
    }
    Settlement.Owned owned = ((Claimed<T>) claimed).owned();
    CompletionStage<T> stage;
    try {
      stage = action.start(new Claim(key, owned.token()));
      Require.nonNull(stage, "the action's future");
    } catch (Throwable failure) {
      try {
        return CompletableFuture.failedFuture(settlement.afterFailure(owned, options, failure));
      } finally {
        flights.end(owned.flight());
      }
    }
    CompletableFuture<CallResult<T>> result = new CompletableFuture<>();
    stage.whenComplete((value, error) -> {
      try {
        if (error != null) {
          Throwable failure = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
          result.completeExceptionally(settlement.afterFailure(owned, options, failure));
          return;
        }
        boolean kept;
        try {
          kept = keep.test(value);
        } catch (Throwable failure) {
          result.completeExceptionally(settlement.afterFailure(owned, options, failure));
          return;
        }
        result.complete(kept ? settlement.afterSuccess(owned, codec, options, value)
            : settlement.afterUnkept(owned, value));
      } catch (Throwable t) {
        result.completeExceptionally(t);
      } finally {
        flights.end(owned.flight());
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
   * Reads the record of a key as the store has it now, for diagnosis and tests.
   *
   * @param key the key
   * @return the live record's status and token, if there is one
   * @throws StoreUnavailableException if the store cannot be reached
   * @throws CorruptRecordException if the stored record cannot be read
   */
  public Optional<CallRecord> lookup(IdempotencyKey key) {
    Require.nonNull(key, "key");
    return call("find", () -> store.find(key.storageKey()), key).map(r -> new CallRecord(
        r.status() == StoredRecord.Status.COMPLETED ? CallRecord.Status.COMPLETED : CallRecord.Status.IN_PROGRESS,
        FencingToken.of(r.fencingToken())));
  }

  /** What claiming a key gave: the claim, or a replay of the stored outcome. */
  private sealed interface ClaimOutcome<T> permits Claimed, Replayed {}

  /** This call owns the key. */
  private record Claimed<T>(Settlement.Owned owned) implements ClaimOutcome<T> {}

  /** The key was completed before: its stored result. */
  private record Replayed<T>(CallResult<T> result) implements ClaimOutcome<T> {}

  /**
   * Claims the key, or resolves a duplicate: a replay of a completed one, an in-progress one
   * rejected or awaited by the call's policy; throws in-progress, key-reused, replayed terminal
   * failures and store failures.
   */
  private <T> ClaimOutcome<T> claimOrReplay(IdempotencyKey key, Fingerprint fingerprint,
      ResultCodec<T> codec, CallOptions options, SentClaim sent) {
    InProgressPolicy policy = options.inProgress();
    long deadline = time.nanoTime() + (policy.waits() ? policy.maxWait().toNanos() : 0);
    ClaimAttempts<T> attempts = new ClaimAttempts<>(key, fingerprint, codec, options, sent);
    Optional<ClaimOutcome<T>> outcome;
    try {
      outcome = Polling.poll(time, deadline, 5, 100, attempts::attempt, attempts::wakeUp);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      report(IdempotencyEvent.IN_PROGRESS, key);
      throw new RequestInProgressException(key, "interrupted while waiting for the call with key "
          + key + " in progress");
    } finally {
      attempts.stopKeeping();
    }
    if (outcome.isEmpty()) {
      report(IdempotencyEvent.IN_PROGRESS, key);
      LOG.debug("key {} still in progress after {}", key, policy.maxWait());
      throw new RequestInProgressException(key, "a call with key " + key
          + " is still in progress after waiting " + policy.maxWait());
    }
    return outcome.get();
  }

  /**
   * The attempts of one call to claim its key. Between attempts, a duplicate that waits waits for
   * one of: the flight of this engine's owner ({@code awaited}), the watch another duplicate of this
   * engine keeps on an owner elsewhere ({@code watching}), or, keeping that watch itself
   * ({@code keeping}), its own backoff. Used by one thread.
   */
  private final class ClaimAttempts<T> {
    private final IdempotencyKey key;
    private final String storageKey;
    private final Fingerprint fingerprint;
    private final ResultCodec<T> codec;
    private final CallOptions options;
    private Flights.Flight awaited;
    private Flights.Watch watching;
    private Flights.Watch keeping;
    /** The last completed record this call read: what a keeper hands to the duplicates it watches for. */
    private StoredRecord seen;
    /** The reply of the claim sent ahead, the first attempt's; null once used or if none was sent. */
    private SentClaim sent;

    ClaimAttempts(IdempotencyKey key, Fingerprint fingerprint, ResultCodec<T> codec, CallOptions options,
        SentClaim sent) {
      this.sent = sent;
      this.key = key;
      this.storageKey = key.storageKey();
      this.fingerprint = fingerprint;
      this.codec = codec;
      this.options = options;
    }

    /** One attempt: the claim, a replay, or empty to wait and try again; throws what ends the call. */
    Optional<ClaimOutcome<T>> attempt() {
      StoredRecord handed = awaited != null ? awaited.outcome() : watching != null ? watching.outcome() : null;
      awaited = null;
      watching = null;
      // Read before the round trip: the lease is measured from no later than the server started it.
      long claimedAt = time.nanoTime();
      ClaimResult claim;
      if (sent != null) {
        claim = sent.reply();
        claimedAt = sent.sentAtNanos();
        sent = null;
      } else if (handed != null) {
        // Completed under the claim this duplicate saw in progress: what its own read would return.
        claim = new ClaimResult.Existing(handed);
      } else {
        claim = call("claim", () -> store.claim(storageKey, fingerprint.value(), options.lease()), key);
      }
      if (claim instanceof ClaimResult.Acquired acquired) {
        long token = acquired.fencingToken();
        Flights.Flight flight = store.joinsCallerTransaction() ? null
            : flights.start(storageKey, fingerprint.value(), token);
        return Optional.of(new Claimed<>(new Settlement.Owned(key, storageKey,
            FencingToken.of(token), claimedAt + options.lease().toNanos(), flight)));
      }
      return resolve(((ClaimResult.Existing) claim).record());
    }

    /** A record someone else holds: replayed, refused, or empty after arranging how to wait for it. */
    private Optional<ClaimOutcome<T>> resolve(StoredRecord existing) {
      if (existing.status() == StoredRecord.Status.COMPLETED) {
        seen = existing;
      }
      if (!existing.fingerprint().equals(fingerprint.value())) {
        report(IdempotencyEvent.KEY_REUSED, key);
        LOG.debug("key {} reused with another fingerprint", key);
        throw new KeyReusedException(key);
      }
      if (existing.status() == StoredRecord.Status.COMPLETED) {
        return Optional.of(new Replayed<>(Replays.replay(key, codec, options, existing, listener)));
      }
      if (!options.inProgress().waits()) {
        report(IdempotencyEvent.IN_PROGRESS, key);
        LOG.debug("key {} is in progress; rejected", key);
        throw new RequestInProgressException(key, "a call with key " + key + " is still in progress");
      }
      awaited = flights.find(storageKey, existing.fencingToken());
      if (awaited == null && keeping == null) {
        // The owner runs elsewhere: one duplicate of this engine polls the store, the others wait for it.
        Flights.Watch watch = flights.watch(storageKey);
        if (watch.keeper() == Thread.currentThread()) {
          keeping = watch;
        } else {
          watching = watch;
        }
      }
      return Optional.empty();
    }

    /** What ends the wait before the backoff does: the awaited flight or the watch, if any. */
    java.util.concurrent.Future<?> wakeUp() {
      return awaited != null ? awaited.ended() : watching != null ? watching.ended() : null;
    }

    /**
     * Hands what this keeper read last (a completed record) to the duplicates waiting on it, or
     * nothing (it took the key, gave up, or failed): then they claim again.
     */
    void stopKeeping() {
      flights.unwatch(keeping, seen);
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
    private TimeSource time = TimeSource.system();

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
     * Sets the time source that measures leases and waits (default {@link TimeSource#system()}).
     *
     * @param time the time source
     * @return this builder
     */
    public Builder timeSource(TimeSource time) {
      this.time = Require.nonNull(time, "timeSource");
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

  /**
   * This engine as a layer of a {@link dev.idempotency.defence.LayeredDefence}: the inner layers and
   * the action run as one idempotent call. The first request's outcome is stored and replayed to
   * duplicates ({@link DefenceOutcome.Replayed}); a duplicate during the first call is stopped
   * ({@link DefenceOutcome.Reason#IN_PROGRESS}) or waits, by the options; a key reused with another
   * fingerprint is stopped ({@link DefenceOutcome.Reason#KEY_REUSED}). An inner layer's stop is not
   * kept: the claim is released and that stop returned, so a retry runs the layers again.
   *
   * @param <R> the request type
   * @param <T> the result type
   * @param key the request's key
   * @param fingerprint the request's fingerprint
   * @param codec how results are stored
   * @param options lease, retention, in-progress policy, terminal exceptions
   * @return the layer, named {@code "idempotent-call"}; thread-safe
   * @throws InvalidInputException if an argument is null
   */
  public <R, T> Layer<R, T> asLayer(Function<? super R, IdempotencyKey> key,
      Function<? super R, Fingerprint> fingerprint, ResultCodec<T> codec, CallOptions options) {
    return new IdempotentCallLayer<>(this, Require.nonNull(key, "key"), Require.nonNull(fingerprint, "fingerprint"),
        Require.nonNull(codec, "codec"), Require.nonNull(options, "options"));
  }

  /**
   * As {@link #asLayer(Function, Function, ResultCodec, CallOptions)} under this engine's
   * {@linkplain #defaults() default options}.
   *
   * @param <R> the request type
   * @param <T> the result type
   * @param key the request's key
   * @param fingerprint the request's fingerprint
   * @param codec how results are stored
   * @return the layer, named {@code "idempotent-call"}; thread-safe
   * @throws InvalidInputException if an argument is null
   */
  public <R, T> Layer<R, T> asLayer(Function<? super R, IdempotencyKey> key,
      Function<? super R, Fingerprint> fingerprint, ResultCodec<T> codec) {
    return asLayer(key, fingerprint, codec, defaults);
  }
}
