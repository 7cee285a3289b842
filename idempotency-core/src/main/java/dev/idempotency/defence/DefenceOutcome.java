package dev.idempotency.defence;

import java.time.Duration;
import java.util.Optional;

/**
 * The outcome of {@link LayeredDefence#execute}: the action ran, a stored result was replayed, or a
 * layer stopped the request, naming itself and why.
 *
 * @param <T> the result type
 */
public sealed interface DefenceOutcome<T>
    permits DefenceOutcome.Executed, DefenceOutcome.Replayed, DefenceOutcome.Stopped {

  /** Why a layer stopped a request; each maps onto an HTTP answer. */
  enum Reason {
    /** The request was seen before and has no stored result to replay (dedup, state machine): 200/409. */
    DUPLICATE,
    /** The first request with this key is still running: 409. */
    IN_PROGRESS,
    /** The key was used before with another request: 422. */
    KEY_REUSED,
    /** The one-time token is not valid (used, expired, unknown, other scope): 409 or 403. */
    TOKEN_NOT_VALID,
    /** The lock is held by someone else: 409 or 429. */
    LOCKED,
    /** The entity's current state does not allow the change: 409. */
    STATE_REJECTED,
    /** Too many requests for the key or overall: 429 with {@code Retry-After}. */
    RATE_LIMITED,
    /** Fewer units are left than the request asks for: 409 (or 410 once the sale is over). */
    SOLD_OUT,
    /** The holder already holds a reservation of the item (one per user): 409. */
    ALREADY_RESERVED,
    /** The item is not on sale (its stock was never declared): 404. */
    NOT_STOCKED
  }

  /**
   * The result, if the action ran or a result was replayed.
   *
   * @return the result; empty when stopped, or when the result itself is null
   */
  Optional<T> value();

  /**
   * The action ran, once, in this call.
   *
   * @param <T> the result type
   * @param result the action's result
   */
  record Executed<T>(T result) implements DefenceOutcome<T> {
    @Override
    public Optional<T> value() {
      return Optional.ofNullable(result);
    }
  }

  /**
   * A layer returned the stored result of an earlier call; the action did not run.
   *
   * @param <T> the result type
   * @param result the stored result
   * @param layer the name of the layer that replayed it
   */
  record Replayed<T>(T result, String layer) implements DefenceOutcome<T> {
    @Override
    public Optional<T> value() {
      return Optional.ofNullable(result);
    }
  }

  /**
   * A layer stopped the request; the action did not run.
   *
   * @param <T> the result type
   * @param layer the name of the layer that stopped it
   * @param reason why
   * @param detail a readable detail (for example the current state)
   * @param retryAfter when a retry may succeed (a rate limit's wait), or null when not known
   */
  record Stopped<T>(String layer, Reason reason, String detail, Duration retryAfter) implements DefenceOutcome<T> {
    /**
     * A stop with no known time to retry.
     *
     * @param layer the name of the layer that stopped it
     * @param reason why
     * @param detail a readable detail
     */
    public Stopped(String layer, Reason reason, String detail) {
      this(layer, reason, detail, null);
    }

    /**
     * When a retry may succeed, for a {@code Retry-After} header.
     *
     * @return the wait, if the layer knows it
     */
    public Optional<Duration> retryAfterTime() {
      return Optional.ofNullable(retryAfter);
    }

    @Override
    public Optional<T> value() {
      return Optional.empty();
    }
  }
}
