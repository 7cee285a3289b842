package dev.idempotency.spi;

import java.util.Optional;
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
   * current state is one of {@code from}, when {@code expectedVersion >= 0} the version equals it,
   * and when {@code fencingToken >= 0} no newer token has written the entity (its fence is at most
   * the token; the fence is then raised to it). Like {@code UPDATE t SET status = :to, version =
   * version + 1, fence = :token WHERE id = :id AND status IN (:from) [AND version = :expected] [AND
   * (fence IS NULL OR fence <= :token)]}.
   *
   * @param entityId the entity's id
   * @param from the states the transition is allowed from (never empty)
   * @param to the target state
   * @param expectedVersion the version the caller read, or -1 to accept any
   * @param fencingToken the writer's fencing token, or -1 for an unfenced write
   * @return what happened, with the entity's state, version and fence after the attempt
   */
  TransitionAttempt transition(String entityId, Set<String> from, String to, long expectedVersion, long fencingToken);

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
