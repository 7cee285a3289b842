package dev.idempotency.state;

/**
 * The outcome of {@link StateMachine#transition}.
 *
 * @param <S> the state type
 * @param outcome what happened
 * @param current the entity's state after the attempt (null when {@link Outcome#NOT_FOUND})
 * @param version the entity's version after the attempt (-1 when not found)
 */
public record TransitionResult<S extends Enum<S>>(Outcome outcome, S current, long version) {

  /** What a transition did. */
  public enum Outcome {
    /** The write happened: the entity moved to the target state. */
    APPLIED,
    /** The entity was already in the target state: a repeat, which counts as success. */
    ALREADY_APPLIED,
    /** The current state does not allow the transition; {@link #current()} names it. */
    REJECTED,
    /** The caller's expected version is stale; {@link #version()} is the current one. */
    STALE_VERSION,
    /**
     * The caller's fencing token is older than one that already wrote the entity: the writer lost
     * its lock or claim, and its write was refused.
     */
    FENCED,
    /** No entity has the id. */
    NOT_FOUND
  }

  /**
   * Whether the entity is now in the target state (applied now or before).
   *
   * @return true for APPLIED and ALREADY_APPLIED
   */
  public boolean succeeded() {
    return outcome == Outcome.APPLIED || outcome == Outcome.ALREADY_APPLIED;
  }
}
