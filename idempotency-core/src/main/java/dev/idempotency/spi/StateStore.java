package dev.idempotency.spi;

import dev.idempotency.FencingToken;
import dev.idempotency.spi.support.Require;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The backend of a state machine ({@link dev.idempotency.state.StateMachine}): entities of one type,
 * each with a state and a version. States are passed as their names; the core validates them.
 */
public interface StateStore extends Store {
  /**
   * Creates an entity in a state, version 0, no fence, if the id is free.
   *
   * @param entityId the entity's id
   * @param state the initial state
   * @return true if created, false if an entity with the id exists
   */
  boolean create(String entityId, String state);

  /**
   * One conditional write: sets the state to {@code to} and increments the version, but only if the
   * current state is one of {@code from} and the condition holds: the version equals the expected
   * one (if the condition checks it), and no newer fencing token has written the entity (if the
   * condition is fenced: the stored fence is absent or at most the token, and is then raised to it).
   * Like {@code UPDATE t SET status = :to, version = version + 1, fence = :token WHERE id = :id AND
   * status IN (:from) [AND version = :expected] [AND (fence IS NULL OR fence <= :token)]}.
   *
   * @param entityId the entity's id
   * @param from the states the transition is allowed from (never empty)
   * @param to the target state
   * @param condition the optimistic and fencing checks
   * @return what happened, with the entity's state, version and fence after the attempt
   */
  TransitionAttempt transition(String entityId, Set<String> from, String to, Condition condition);

  /**
   * The checks of a transition beyond its source states.
   *
   * @param expectedVersion the version the caller read, if it is checked
   * @param fence the writer's fencing token, if the write is fenced
   */
  record Condition(OptionalLong expectedVersion, Optional<FencingToken> fence) {
    /** No check beyond the source states. */
    public static final Condition NONE = new Condition(OptionalLong.empty(), Optional.empty());

    /**
     * Validates the components.
     *
     * @param expectedVersion the version the caller read, if it is checked
     * @param fence the writer's fencing token, if the write is fenced
     * @throws dev.idempotency.InvalidInputException if one is null or the version is negative
     */
    public Condition {
      Require.nonNull(expectedVersion, "expectedVersion");
      Require.nonNull(fence, "fence");
      Require.argument(expectedVersion.isEmpty() || expectedVersion.getAsLong() >= 0, "expectedVersion",
          "must be >= 0");
    }

    /**
     * Whether the version is checked.
     *
     * @return true if an expected version is given
     */
    public boolean checksVersion() {
      return expectedVersion.isPresent();
    }

    /**
     * Whether the write is fenced.
     *
     * @return true if a fencing token is given
     */
    public boolean isFenced() {
      return fence.isPresent();
    }
  }

  /**
   * Reads an entity.
   *
   * @param entityId the entity's id
   * @return its state and version, if it exists
   */
  Optional<VersionedState> find(String entityId);

  /**
   * An entity's state, version and fence.
   *
   * @param state the state's name
   * @param version incremented by every applied transition
   * @param fence the highest fencing token that wrote it, or -1 if no fenced write did
   */
  record VersionedState(String state, long version, long fence) {}

  /**
   * The store's answer to a transition.
   *
   * @param applied whether the write happened
   * @param current the state and version after the attempt, or null if the entity does not exist
   */
  record TransitionAttempt(boolean applied, VersionedState current) {}
}
