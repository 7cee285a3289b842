package dev.idempotency.defence;

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
