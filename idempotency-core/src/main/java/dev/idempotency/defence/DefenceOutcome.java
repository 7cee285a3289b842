package dev.idempotency.defence;

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
    STATE_REJECTED
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
   */
  record Stopped<T>(String layer, Reason reason, String detail) implements DefenceOutcome<T> {
    @Override
    public Optional<T> value() {
      return Optional.empty();
    }
  }
}
