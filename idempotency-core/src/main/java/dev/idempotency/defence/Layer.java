package dev.idempotency.defence;

import dev.idempotency.spi.StepRunner;
import dev.idempotency.spi.StoreStep;

/**
 * One layer of a {@link LayeredDefence}: it either stops the request or lets it through to the next
 * layer, around which it may do work (a lock held while the inner layers run, a claim completed
 * with their result). Each strategy brings its own: {@code OneTimeTokens.asLayer},
 * {@code DistributedLocks.asLayer}, {@code IdempotencyEngine.asLayer}, {@code Deduplicator.asLayer},
 * {@code StateMachine.asLayer}, {@code RateLimiter.asLayer} and {@code StockReservations.asLayer};
 * an application may write its own (a unique key of its table, a check of its own).
 *
 * @param <R> the request type
 * @param <T> the result type
 */
public interface Layer<R, T> {
  /**
   * The layer's name, reported in outcomes, events and logs.
   *
   * @return a short name such as {@code "token"}
   */
  String name();

  /**
   * Guards one request.
   *
   * @param request the request
   * @param next the rest of the defence and, at the end, the action; call it at most once
   * @return the outcome: {@code next}'s, or the layer's own when it stops or replays
   * @throws Exception the action's failure, unchanged, or a store failure
   */
  DefenceOutcome<T> apply(R request, Chain<T> next) throws Exception;

  /**
   * The store call this layer opens with for a request, as a step its backend may send together
   * with the opening steps of the layers next to it: a {@link LayeredDefence} runs a run of such
   * layers' steps, when they share a {@link StepRunner}, in one round trip before the first of them
   * decides ({@link StepRunner#runInOrder}, which stops at the first step that does not pass), and
   * then lets each layer decide on its reply through {@link Opening#apply} instead of
   * {@link #apply}. A layer with none (the default) makes its calls in {@link #apply} as always.
   *
   * <p>Called before the layers in front of this one have decided, so it must have no effect: no
   * store call, no event. If it throws, the layer has no opening and {@link #apply} runs.
   *
   * @param request the request
   * @return the opening, or null
   */
  default Opening<T> open(R request) {
    return null;
  }

  /**
   * A layer's first store call for one request, and what the layer does with its reply.
   *
   * @param <T> the result type
   */
  interface Opening<T> {
    /**
     * The call, as a step of its store.
     *
     * @return the step, never null
     */
    StoreStep<?> step();

    /**
     * Guards the request with the step's reply, exactly as {@link Layer#apply} would have after
     * making the call itself.
     *
     * @param reply the step's reply
     * @param next the rest of the defence; call it at most once
     * @return the outcome
     * @throws Exception the action's failure, unchanged, or a store failure
     */
    DefenceOutcome<T> apply(Object reply, Chain<T> next) throws Exception;

    /**
     * Gives back what the step took when the layer was never reached (a layer in front of it
     * stopped the request although its own step passed, or threw): a lock is released, a token made
     * live again. Called at most once, instead of {@link #apply}; the default does nothing.
     *
     * @param reply the step's reply
     */
    default void unused(Object reply) {}

    /**
     * Hears that the round trip that carried the step failed, before the defence treats the failure
     * as the layer's own under its policy: the place to report it as the layer's own call would
     * have (for example {@code STORE_UNAVAILABLE} to the strategy's listener). The default does
     * nothing.
     *
     * @param failure the failure, usually a {@link dev.idempotency.StoreUnavailableException}
     */
    default void failed(RuntimeException failure) {}
  }

  /**
   * The rest of the defence, from a layer's point of view.
   *
   * @param <T> the result type
   */
  @FunctionalInterface
  interface Chain<T> {
    /**
     * Runs the next layers and the action.
     *
     * @return their outcome
     * @throws Exception the action's failure, or a store failure of an inner layer
     */
    DefenceOutcome<T> proceed() throws Exception;
  }
}
