package dev.idempotency;

import dev.idempotency.codec.ResultCodec;
import dev.idempotency.internal.AfterAction;
import dev.idempotency.internal.Envelope;
import dev.idempotency.internal.Polling;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.StoreStep;
import dev.idempotency.spi.support.Listeners;
import dev.idempotency.spi.support.StoreCalls;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles a claim the engine owns once the action has run: stores its result or terminal failure
 * (retrying a failing store within the lease), completes a result that can never be stored with a
 * marker, or releases the claim after a failure. The guarantees are the engine's; see
 * {@link IdempotencyEngine}.
 */
final class Settlement {
  private static final Logger LOG = LoggerFactory.getLogger(Settlement.class);
  /** The most of a lease kept back, after the result's retries, for storing a marker. */
  private static final long MARKER_MARGIN_NANOS = 5_000_000_000L;

  private final IdempotencyStore store;
  private final IdempotencyListener listener;
  private final TimeSource time;

  Settlement(IdempotencyStore store, IdempotencyListener listener, TimeSource time) {
    this.store = store;
    this.listener = listener;
    this.time = time;
  }

  /**
   * A claim a call owns: its key, fencing token, when its lease ends on the time source's scale, and
   * its flight (null in the caller's transaction), told what the store accepted.
   */
  record Owned(IdempotencyKey key, String storageKey, FencingToken token, long leaseEndsNanos, Flights.Flight flight) {}

  /** How storing an outcome ended: stored, or (with a fallback) the fallback stored instead. */
  private enum Completion { STORED, MARKED, LOST, FAILED }

  /** Settles a failed action: stores a terminal failure or releases the claim; returns the failure. */
  Throwable afterFailure(Owned owned, CallOptions options, Throwable failure) {
    if (options.isTerminal(failure)) {
      storeFailure(owned, options, failure);
    } else {
      release(owned, failure);
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
  <T> CallResult<T> afterSuccess(Owned owned, ResultCodec<T> codec, CallOptions options, T value) {
    return afterSuccess(owned, codec, options, value, null);
  }

  /**
   * Whether a completion can carry the writes an action left for after it ({@link AfterAction}):
   * the store runs steps, and does not complete in the caller's transaction.
   */
  boolean completesWithSteps() {
    return store.stepRunner() != null && !store.joinsCallerTransaction();
  }

  /**
   * As {@link #afterSuccess(Owned, ResultCodec, CallOptions, Object)}; the writes {@code pending}
   * holds go in the completion's first attempt, in one round trip with it where the store allows, or
   * alone before it.
   */
  <T> CallResult<T> afterSuccess(Owned owned, ResultCodec<T> codec, CallOptions options, T value,
      AfterAction.Pending pending) {
    byte[] envelope;
    try {
      byte[] encoded = value == null ? null : codec.encode(value);
      envelope = Envelope.value(encoded);
      if (encoded != null && !codec.decodesAllItEncodes()) {
        readBack(codec, encoded);
      }
    } catch (RuntimeException e) {
      String why = String.valueOf(e.getMessage());
      runAlone(pending);
      return notStored(owned, options, value, "the codec could not encode it or read it back: " + e.getClass().getSimpleName()
          + ": " + (why.length() > 300 ? why.substring(0, 300) + "..." : why), e);
    }
    int limit = Math.min(options.maxResultBytes(), store.maxPayloadBytes());
    if (envelope.length > limit) {
      runAlone(pending);
      return notStored(owned, options, value, "it is " + envelope.length + " bytes encoded, over the limit of "
          + limit + " bytes for " + store.name(), null);
    }
    // The result is retried until a fifth of the lease (at most 5 s) is left; that rest is for the marker.
    long margin = Math.min(options.lease().toNanos() / 5, MARKER_MARGIN_NANOS);
    IdempotencyKey key = owned.key();
    Completion done = complete(owned, options, owned.leaseEndsNanos() - margin, envelope, null, pending);
    if (done == Completion.FAILED) {
      // The store kept failing. Until the lease ends, each attempt still tries the result first: a
      // store that was only away and is back takes it. Only when the store refuses the result and
      // takes the marker in the same attempt was it this payload it refused (and would refuse
      // forever): the marker then keeps any duplicate from running the action. If it answers
      // neither, nothing more can be done within the lease.
      byte[] marker = Envelope.notStored("the store failed on every attempt to store it");
      done = complete(owned, options, owned.leaseEndsNanos(), envelope, marker, null);
      if (done == Completion.MARKED) {
        report(IdempotencyEvent.RESULT_NOT_STORED, key);
        LOG.error("the result of {} could not be stored in {} within the lease; completed it with a "
            + "marker, so duplicates get ResultNotStoredException", key, store.name());
      } else if (done == Completion.FAILED) {
        report(IdempotencyEvent.COMPLETION_FAILED, key);
        LOG.error("the action for {} ran but its result could not be stored in {} within the lease ({}); "
            + "duplicates see it in progress until the lease ends, after which one may run it again "
            + "unless the action's writes are fenced by claim.fencingToken()", key, store.name(), options.lease());
      }
      if (done == Completion.MARKED || done == Completion.FAILED) {
        return new CallResult<>(value, false, owned.token());
      }
    }
    if (done == Completion.LOST) {
      report(IdempotencyEvent.CLAIM_LOST, key);
      LOG.warn("claim on {} (fencing token {}) expired before completion and was taken over; "
          + "the lease ({}) is shorter than the action", key, owned.token(), options.lease());
      throw new ClaimLostException(key, owned.token());
    }
    report(IdempotencyEvent.EXECUTED, key);
    return new CallResult<>(value, false, owned.token());
  }

  /**
   * Decodes what the codec wrote before it is stored: a result every duplicate would fail to read
   * (a mapper that writes {@code {}} for a type it cannot read back) must take the not-stored path
   * now, not fail every replay for the whole retention.
   */
  private static <T> void readBack(ResultCodec<T> codec, byte[] encoded) {
    try {
      codec.decode(encoded);
    } catch (RuntimeException e) {
      throw new ResultCodecException("what the codec wrote cannot be read back: " + e.getMessage(), e);
    }
  }

  /** Completes the key with the marker of a result that can never be stored. */
  private <T> CallResult<T> notStored(Owned owned, CallOptions options, T value, String reason, Throwable cause) {
    IdempotencyKey key = owned.key();
    if (store.joinsCallerTransaction()) {
      throw new ResultNotStoredException(key, reason, cause);
    }
    Completion done = complete(owned, options, owned.leaseEndsNanos(), Envelope.notStored(reason));
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

  /**
   * Stores an outcome under the claim, retrying a failing store with capped, jittered backoff until
   * the deadline: the fencing token makes a repeated completion safe, and only the claim's owner can
   * complete it. In the caller's transaction nothing is retried: the failure is thrown.
   */
  private Completion complete(Owned owned, CallOptions options, long deadlineNanos, byte[] envelope) {
    return complete(owned, options, deadlineNanos, envelope, null, null);
  }

  private static void runAlone(AfterAction.Pending pending) {
    if (pending != null) {
      pending.runAlone();
    }
  }

  /**
   * As {@link #complete(Owned, CallOptions, long, byte[])}; with a fallback, each attempt whose
   * envelope the store fails on tries the fallback at once ({@link Completion#MARKED} if it is
   * stored), so that the envelope is stored whenever the store can take it. The writes {@code
   * pending} holds (if any) go with the first attempt, in one round trip where the store hands out a
   * completion step, else alone just before it; they are not sent again.
   */
  private Completion complete(Owned owned, CallOptions options, long deadlineNanos, byte[] envelope,
      byte[] fallback, AfterAction.Pending pending) {
    if (store.joinsCallerTransaction()) {
      boolean stored = StoreCalls.call(store.name(), "complete", listener, owned.key().namespace(),
          () -> store.complete(owned.storageKey(), owned.token().value(), envelope, options.retention()));
      return stored ? Completion.STORED : Completion.LOST;
    }
    AttemptCount attempts = new AttemptCount();
    try {
      return Polling.poll(time, deadlineNanos, 10, 1000, () -> {
        if (attempts.next() > 0) {
          report(IdempotencyEvent.COMPLETION_RETRIED, owned.key());
        }
        Optional<Completion> stored = pending == null || pending.isEmpty()
            ? attempt(owned, options, envelope, Completion.STORED, attempts)
            : attemptWith(pending, owned, options, envelope, attempts);
        return stored.isEmpty() && fallback != null ? attempt(owned, options, fallback, Completion.MARKED, attempts)
            : stored;
      }).orElse(Completion.FAILED);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Completion.FAILED;
    }
  }

  /** One completion: {@code success} if stored, LOST if the claim is gone, empty if the store failed. */
  private Optional<Completion> attempt(Owned owned, CallOptions options, byte[] envelope, Completion success,
      AttemptCount attempts) {
    try {
      boolean stored = store.complete(owned.storageKey(), owned.token().value(), envelope, options.retention());
      if (stored && owned.flight() != null) {
        owned.flight().stored(envelope);
      }
      return Optional.of(stored ? success : Completion.LOST);
    } catch (RuntimeException e) {
      if (attempts.count() == 1) {
        LOG.warn("storing the outcome of {} in {} failed; retrying within the lease: {}", owned.key(),
            store.name(), e.toString());
      } else {
        LOG.debug("storing the outcome of {} in {} failed again: {}", owned.key(), store.name(), e.toString());
      }
      return Optional.empty();
    }
  }

  /**
   * The first attempt of a completion, with the writes the action left for after it: one call of the
   * store's runner (the writes, then the completion's step), or the writes alone and then the
   * completion when the store hands out no completion step.
   */
  private Optional<Completion> attemptWith(AfterAction.Pending pending, Owned owned, CallOptions options,
      byte[] envelope, AttemptCount attempts) {
    StoreStep<Boolean> step;
    try {
      step = store.completeStep(owned.storageKey(), owned.token().value(), envelope, options.retention());
    } catch (RuntimeException e) {
      step = null; // the completion alone reports what is wrong
    }
    if (step == null) {
      pending.runAlone();
      return attempt(owned, options, envelope, Completion.STORED, attempts);
    }
    boolean stored;
    try {
      stored = pending.runWith(step);
    } catch (RuntimeException e) {
      LOG.warn("storing the outcome of {} in {} failed; retrying within the lease: {}", owned.key(),
          store.name(), e.toString());
      return Optional.empty();
    }
    if (stored && owned.flight() != null) {
      owned.flight().stored(envelope);
    }
    return Optional.of(stored ? Completion.STORED : Completion.LOST);
  }

  /** Attempts so far of one completion; confined to the settling thread. */
  private static final class AttemptCount {
    private int count;

    int next() {
      return count++;
    }

    int count() {
      return count;
    }
  }

  private void storeFailure(Owned owned, CallOptions options, Throwable failure) {
    IdempotencyKey key = owned.key();
    byte[] envelope = Envelope.failure(failure.getClass().getName(), failure.getMessage());
    Completion done;
    try {
      done = complete(owned, options, owned.leaseEndsNanos(), envelope);
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

  /**
   * Settles a result the caller chose not to keep: releases the claim so that the next attempt runs
   * again, and returns the result to this caller. A release that fails leaves the claim to its
   * lease (duplicates see the call in progress until then); the caller still gets its result.
   */
  <T> CallResult<T> afterUnkept(Owned owned, T value) {
    try {
      store.release(owned.storageKey(), owned.token().value());
      report(IdempotencyEvent.RELEASED_UNKEPT, owned.key());
      LOG.debug("released {}: its result is not kept, so that a retry runs again", owned.key());
    } catch (RuntimeException e) {
      report(IdempotencyEvent.STORE_UNAVAILABLE, owned.key());
      LOG.warn("could not release {} after a result that is not kept; duplicates wait for its lease: {}",
          owned.key(), e.toString());
    }
    return new CallResult<>(value, false, owned.token());
  }

  private void release(Owned owned, Throwable failure) {
    try {
      store.release(owned.storageKey(), owned.token().value());
      report(IdempotencyEvent.RELEASED_AFTER_FAILURE, owned.key());
      LOG.debug("released {} after a failure so that a retry can run", owned.key());
    } catch (RuntimeException e) {
      // The claim stays until its lease expires; the caller sees its own failure first.
      report(IdempotencyEvent.STORE_UNAVAILABLE, owned.key());
      failure.addSuppressed(new StoreUnavailableException(store.name(), "release", e));
    }
  }

  private void report(IdempotencyEvent event, IdempotencyKey key) {
    Listeners.report(listener, event, key.namespace());
  }
}
