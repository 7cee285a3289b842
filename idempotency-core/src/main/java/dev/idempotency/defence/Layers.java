package dev.idempotency.defence;

import dev.idempotency.CallOptions;
import dev.idempotency.CallResult;
import dev.idempotency.FencingToken;
import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.KeyReusedException;
import dev.idempotency.RequestInProgressException;
import dev.idempotency.Scope;
import dev.idempotency.StoreUnavailableException;
import dev.idempotency.codec.ResultCodec;
import dev.idempotency.dedup.DedupResult;
import dev.idempotency.dedup.Deduplicator;
import dev.idempotency.spi.support.Require;
import dev.idempotency.lock.DistributedLocks;
import dev.idempotency.lock.LockHandle;
import dev.idempotency.lock.LockOptions;
import dev.idempotency.ratelimit.RateLimitDecision;
import dev.idempotency.ratelimit.RateLimiter;
import dev.idempotency.state.StateMachine;
import dev.idempotency.state.TransitionResult;
import dev.idempotency.stock.Reservation;
import dev.idempotency.stock.ReservationResult;
import dev.idempotency.stock.StockReservations;
import dev.idempotency.token.OneTimeTokens;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

// Size: one factory per strategy (token, lock, idempotent call, dedup, transition, rate limit, stock), each a
// small Layer of its own, with their overloads; a factory is read alone.
/** One {@link Layer} per strategy, for composing a {@link LayeredDefence}. */
public final class Layers {
  private static final Logger LOG = LoggerFactory.getLogger(Layers.class);

  private Layers() {}

  /**
   * Consumes a one-time token before letting the request through; a token that is not valid stops
   * it ({@link DefenceOutcome.Reason#TOKEN_NOT_VALID}). The token stays used up once the inner
   * layers and the action have run to an outcome; if they stop the request or throw, it is given
   * back ({@link OneTimeTokens#restore}), so that the client's retry of that same request (the same
   * token, often the same {@code Idempotency-Key}) is not refused because its first attempt used the
   * token. A failure to give it back is added to the inner exception as suppressed, or logged after a
   * stop. A request without a
   * well-formed token costs one round trip that checks the store answers: with the store down, the
   * layer fails like any other (on {@code SKIP}, the later layers decide, with or without a token).
   *
   * @param <R> the request type
   * @param <T> the result type
   * @param tokens the token service
   * @param scope the scope the token was issued for
   * @param token the presented token (null counts as not valid)
   * @return the layer, named {@code "token"}
   */
  public static <R, T> Layer<R, T> token(OneTimeTokens tokens, Function<? super R, Scope> scope,
      Function<? super R, String> token) {
    Require.nonNull(tokens, "tokens");
    Require.nonNull(scope, "scope");
    Require.nonNull(token, "token");
    return new Layer<>() {
      @Override
      public String name() {
        return "token";
      }

      @Override
      public DefenceOutcome<T> apply(R request, Chain<T> next) throws Exception {
        String presented = token.apply(request);
        Scope s = scope.apply(request);
        if (!OneTimeTokens.isWellFormed(presented)) {
          // A client whose token could not be issued (the store was down) presents none: if the
          // store is still down this throws, and on SKIP the later layers decide.
          tokens.checkAvailable(s);
          return new DefenceOutcome.Stopped<>(name(), DefenceOutcome.Reason.TOKEN_NOT_VALID,
              "no valid one-time token was presented");
        }
        if (!tokens.consume(s, presented)) {
          return new DefenceOutcome.Stopped<>(name(), DefenceOutcome.Reason.TOKEN_NOT_VALID,
              "the one-time token is not valid");
        }
        DefenceOutcome<T> inner;
        try {
          inner = next.proceed();
        } catch (Exception | Error e) {
          try {
            tokens.restore(s, presented);
          } catch (RuntimeException restoreFailure) {
            e.addSuppressed(restoreFailure);
          }
          throw e;
        }
        if (inner instanceof DefenceOutcome.Stopped<T>) {
          try {
            tokens.restore(s, presented);
          } catch (StoreUnavailableException e) {
            LOG.warn("could not give back the one-time token of a stopped request: {}", e.getMessage());
          }
        }
        return inner;
      }
    };
  }

  /**
   * Holds a lock while the inner layers and the action run; a lock held by someone else throughout
   * the wait stops the request ({@link DefenceOutcome.Reason#LOCKED}).
   *
   * @param <R> the request type
   * @param <T> the result type
   * @param locks the lock service
   * @param key the lock's key
   * @param options lease, wait and watchdog
   * @return the layer, named {@code "lock"}
   */
  public static <R, T> Layer<R, T> lock(DistributedLocks locks, Function<? super R, IdempotencyKey> key,
      LockOptions options) {
    return lock(locks, key, options, (request, token) -> { });
  }

  /**
   * Holds a lock while the inner layers and the action run, and hands its fencing token to the
   * request before they run, so that the write made under the lock can be fenced: the store of
   * record refuses a write whose token is lower than the last one it accepted, which stops an owner
   * whose lease ran out while it was paused. A lock held by someone else throughout the wait stops the
   * request ({@link DefenceOutcome.Reason#LOCKED}).
   *
   * @param <R> the request type
   * @param <T> the result type
   * @param locks the lock service
   * @param key the lock's key
   * @param options lease, wait and watchdog
   * @param onAcquired given the request and the lock's fencing token once the lock is held, on the
   *     calling thread, before the inner layers run; what it throws releases the lock and propagates
   * @return the layer, named {@code "lock"}
   */
  public static <R, T> Layer<R, T> lock(DistributedLocks locks, Function<? super R, IdempotencyKey> key,
      LockOptions options, BiConsumer<? super R, ? super FencingToken> onAcquired) {
    Require.nonNull(locks, "locks");
    Require.nonNull(key, "key");
    Require.nonNull(options, "options");
    Require.nonNull(onAcquired, "onAcquired");
    return new Layer<>() {
      @Override
      public String name() {
        return "lock";
      }

      @Override
      public DefenceOutcome<T> apply(R request, Chain<T> next) throws Exception {
        IdempotencyKey k = key.apply(request);
        Optional<LockHandle> handle = locks.tryLock(k, options);
        if (handle.isEmpty()) {
          return new DefenceOutcome.Stopped<>(name(), DefenceOutcome.Reason.LOCKED,
              "lock " + k + " is held by another caller");
        }
        try {
          onAcquired.accept(request, handle.get().fencingToken());
          return next.proceed();
        } finally {
          try {
            handle.get().release();
          } catch (StoreUnavailableException e) {
            // The lease frees the lock anyway; the outcome of the inner layers stands.
            LOG.warn("could not release lock {}: {}", k, e.getMessage());
          }
        }
      }
    };
  }

  /**
   * Runs the inner layers and the action as one idempotent call: the first request's outcome is
   * stored and replayed to duplicates ({@link DefenceOutcome.Replayed}); a duplicate during the first
   * call is stopped ({@link DefenceOutcome.Reason#IN_PROGRESS}) or waits, by the options; a key
   * reused with another fingerprint is stopped ({@link DefenceOutcome.Reason#KEY_REUSED}). If an
   * inner layer stops the request, the claim is released and that outcome returned.
   *
   * @param <R> the request type
   * @param <T> the result type
   * @param engine the engine
   * @param key the request's key
   * @param fingerprint the request's fingerprint
   * @param codec how results are stored
   * @param options lease, retention, in-progress policy, terminal exceptions
   * @return the layer, named {@code "idempotent-call"}
   */
  public static <R, T> Layer<R, T> idempotentCall(IdempotencyEngine engine,
      Function<? super R, IdempotencyKey> key, Function<? super R, Fingerprint> fingerprint,
      ResultCodec<T> codec, CallOptions options) {
    Require.nonNull(engine, "engine");
    Require.nonNull(key, "key");
    Require.nonNull(fingerprint, "fingerprint");
    Require.nonNull(codec, "codec");
    Require.nonNull(options, "options");
    return new Layer<>() {
      @Override
      public String name() {
        return "idempotent-call";
      }

      @Override
      public DefenceOutcome<T> apply(R request, Chain<T> next) throws Exception {
        try {
          CallResult<T> result = engine.execute(key.apply(request), fingerprint.apply(request), codec,
              options, claim -> {
                DefenceOutcome<T> inner = next.proceed();
                if (inner instanceof DefenceOutcome.Stopped<T> stopped) {
                  throw new StoppedInside(stopped);
                }
                return inner.value().orElse(null);
              });
          return result.replayed()
              ? new DefenceOutcome.Replayed<>(result.value(), name())
              : new DefenceOutcome.Executed<>(result.value());
        } catch (StoppedInside s) {
          return s.outcome();
        } catch (RequestInProgressException e) {
          return new DefenceOutcome.Stopped<>(name(), DefenceOutcome.Reason.IN_PROGRESS, e.getMessage());
        } catch (KeyReusedException e) {
          return new DefenceOutcome.Stopped<>(name(), DefenceOutcome.Reason.KEY_REUSED, e.getMessage());
        }
      }
    };
  }

  /**
   * Idempotent call with the engine's default options.
   *
   * @param <R> the request type
   * @param <T> the result type
   * @param engine the engine
   * @param key the request's key
   * @param fingerprint the request's fingerprint
   * @param codec how results are stored
   * @return the layer, named {@code "idempotent-call"}
   */
  public static <R, T> Layer<R, T> idempotentCall(IdempotencyEngine engine,
      Function<? super R, IdempotencyKey> key, Function<? super R, Fingerprint> fingerprint,
      ResultCodec<T> codec) {
    return idempotentCall(engine, key, fingerprint, codec, Require.nonNull(engine, "engine").defaults());
  }

  /**
   * Marks the request's key in a dedup table; a key seen before stops the request
   * ({@link DefenceOutcome.Reason#DUPLICATE}). If the inner layers or the action fail, the mark is
   * removed so that a retry is not mistaken for a duplicate.
   *
   * @param <R> the request type
   * @param <T> the result type
   * @param deduplicator the dedup table
   * @param key the request's key
   * @return the layer, named {@code "dedup"}
   */
  public static <R, T> Layer<R, T> dedup(Deduplicator deduplicator, Function<? super R, IdempotencyKey> key) {
    Require.nonNull(deduplicator, "deduplicator");
    Require.nonNull(key, "key");
    return new Layer<>() {
      @Override
      public String name() {
        return "dedup";
      }

      @Override
      public DefenceOutcome<T> apply(R request, Chain<T> next) throws Exception {
        IdempotencyKey k = key.apply(request);
        if (deduplicator.markFirst(k) == DedupResult.DUPLICATE) {
          return new DefenceOutcome.Stopped<>(name(), DefenceOutcome.Reason.DUPLICATE,
              "key " + k + " was processed before");
        }
        try {
          return next.proceed();
        } catch (Exception | Error e) {
          try {
            deduplicator.forget(k);
          } catch (RuntimeException forgetFailure) {
            e.addSuppressed(forgetFailure);
          }
          throw e;
        }
      }
    };
  }

  /**
   * Applies a state transition, then lets the request through; a transition applied before stops it
   * as a duplicate, one the current state does not allow (or an unknown entity) stops it as
   * {@link DefenceOutcome.Reason#STATE_REJECTED}. The transition is written before the action: on
   * JDBC, run both in one transaction so that they commit together.
   *
   * @param <R> the request type
   * @param <T> the result type
   * @param <S> the state enum
   * @param machine the state machine
   * @param entityId the entity the request changes
   * @param target the state the request moves it to
   * @return the layer, named {@code "state-machine"}
   */
  public static <R, T, S extends Enum<S>> Layer<R, T> transition(StateMachine<S> machine,
      Function<? super R, String> entityId, S target) {
    Require.nonNull(machine, "machine");
    Require.nonNull(entityId, "entityId");
    Require.nonNull(target, "target");
    return new Layer<>() {
      @Override
      public String name() {
        return "state-machine";
      }

      @Override
      public DefenceOutcome<T> apply(R request, Chain<T> next) throws Exception {
        String id = entityId.apply(request);
        TransitionResult<S> r = machine.transition(id, target);
        switch (r.outcome()) {
          case APPLIED:
            return next.proceed();
          case ALREADY_APPLIED:
            return new DefenceOutcome.Stopped<>(name(), DefenceOutcome.Reason.DUPLICATE,
                id + " is already " + target);
          case NOT_FOUND:
            return new DefenceOutcome.Stopped<>(name(), DefenceOutcome.Reason.STATE_REJECTED,
                id + " does not exist");
          default:
            return new DefenceOutcome.Stopped<>(name(), DefenceOutcome.Reason.STATE_REJECTED,
                id + " is " + r.current() + ", which does not allow " + target);
        }
      }
    };
  }

  /**
   * Takes a permit from a rate limiter before letting the request through; a refusal stops it
   * ({@link DefenceOutcome.Reason#RATE_LIMITED}) with the time until a permit comes back
   * ({@link DefenceOutcome.Stopped#retryAfterTime()}, for {@code Retry-After}). Put a per-user layer
   * before a global one, and both after the idempotent call's layer, so that a retry of a stored
   * request is replayed without spending a permit.
   *
   * @param <R> the request type
   * @param <T> the result type
   * @param limiter the limiter
   * @param key the limited key of a request (a user id, an IP, or {@link RateLimiter#GLOBAL})
   * @return the layer, named {@code "rate-limit:<limiter name>"}
   */
  public static <R, T> Layer<R, T> rateLimit(RateLimiter limiter, Function<? super R, String> key) {
    Require.nonNull(limiter, "limiter");
    Require.nonNull(key, "key");
    String name = "rate-limit:" + limiter.name();
    return new Layer<>() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public DefenceOutcome<T> apply(R request, Chain<T> next) throws Exception {
        String k = key.apply(request);
        RateLimitDecision d = limiter.tryAcquire(k);
        if (!d.allowed()) {
          return new DefenceOutcome.Stopped<>(name, DefenceOutcome.Reason.RATE_LIMITED,
              "rate limit " + limiter.name() + " reached for " + k + "; retry after " + d.retryAfterSeconds() + " s",
              d.retryAfter());
        }
        return next.proceed();
      }
    };
  }

  /**
   * Reserves stock before letting the request through, and gives it back if the inner layers or
   * the action fail or stop: a declined payment or a failed order insert never loses a unit. Sold
   * out, already reserved (one per holder) and not stocked stop the request. On success the units
   * stay reserved for the reservations' hold: confirm them when the order is paid
   * ({@link StockReservations#confirm}; the overload with {@code onReserved} hands the action its
   * reservation), release them when it is cancelled, or let the hold end.
   *
   * @param <R> the request type
   * @param <T> the result type
   * @param stock the reservations
   * @param item the item a request buys
   * @param holder the holder: the user for one per user, or the request id
   * @param quantity the units a request buys
   * @return the layer, named {@code "stock"}
   */
  public static <R, T> Layer<R, T> reserve(StockReservations stock, Function<? super R, String> item,
      Function<? super R, String> holder, ToLongFunction<? super R> quantity) {
    return reserve(stock, item, holder, quantity, (request, reservation) -> { });
  }

  /**
   * As {@link #reserve(StockReservations, Function, Function, ToLongFunction)}, and hands the new
   * reservation to the request before the inner layers run, so that the action can pass its id on
   * (in a message, an order row) to whoever confirms or releases it, without reading it back.
   *
   * @param <R> the request type
   * @param <T> the result type
   * @param stock the reservations
   * @param item the item a request buys
   * @param holder the holder: the user for one per user, or the request id
   * @param quantity the units a request buys
   * @param onReserved called with the request and its reservation once the units are reserved
   * @return the layer, named {@code "stock"}
   */
  public static <R, T> Layer<R, T> reserve(StockReservations stock, Function<? super R, String> item,
      Function<? super R, String> holder, ToLongFunction<? super R> quantity,
      BiConsumer<? super R, ? super Reservation> onReserved) {
    Require.nonNull(stock, "stock");
    Require.nonNull(item, "item");
    Require.nonNull(holder, "holder");
    Require.nonNull(quantity, "quantity");
    Require.nonNull(onReserved, "onReserved");
    return new Layer<>() {
      @Override
      public String name() {
        return "stock";
      }

      @Override
      public DefenceOutcome<T> apply(R request, Chain<T> next) throws Exception {
        String i = item.apply(request);
        String h = holder.apply(request);
        ReservationResult r = stock.reserve(i, h, quantity.applyAsLong(request));
        Reservation taken = r.reservation();
        switch (r.outcome()) {
          case RESERVED:
            break;
          case SOLD_OUT:
            return new DefenceOutcome.Stopped<>(name(), DefenceOutcome.Reason.SOLD_OUT,
                i + " has " + r.available() + " units left");
          case ALREADY_RESERVED:
            return new DefenceOutcome.Stopped<>(name(), DefenceOutcome.Reason.ALREADY_RESERVED,
                h + " already holds " + r.reservation().quantity() + " of " + i);
          default:
            return new DefenceOutcome.Stopped<>(name(), DefenceOutcome.Reason.NOT_STOCKED, i + " is not on sale");
        }
        DefenceOutcome<T> inner;
        try {
          onReserved.accept(request, taken);
          inner = next.proceed();
        } catch (Exception | Error e) {
          try {
            stock.release(taken);
          } catch (RuntimeException releaseFailure) {
            e.addSuppressed(releaseFailure);
          }
          throw e;
        }
        if (inner instanceof DefenceOutcome.Stopped<T>) {
          stock.release(taken);
        }
        return inner;
      }
    };
  }

  /** Carries an inner layer's stop out of the idempotent call, so that its claim is released. */
  private static final class StoppedInside extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient DefenceOutcome.Stopped<?> outcome;

    StoppedInside(DefenceOutcome.Stopped<?> outcome) {
      super(null, null, false, false);
      this.outcome = outcome;
    }

    @SuppressWarnings("unchecked")
    <T> DefenceOutcome<T> outcome() {
      return (DefenceOutcome<T>) outcome;
    }
  }
}
