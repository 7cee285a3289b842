package dev.idempotency.spi;

import java.util.Optional;
import java.util.Set;

/**
 * The backend of a state machine ({@link dev.idempotency.state.StateMachine}): entities of one type,
 * each with a state and a version. States are passed as their names; the core validates them.
 */
public interface StateStore extends Store {
  /**
   * Creates an entity in a state, version 0, if the id is free.
   *
   * @param entityId the entity's id
   * @param state the initial state
   * @return true if created, false if an entity with the id exists
   */
  boolean create(String entityId, String state);

  /**
   * One conditional write: sets the state to {@code to} and increments the version, but only if the
   * current state is one of {@code from} and, when {@code expectedVersion >= 0}, the version equals
   * it. Like {@code UPDATE t SET status = :to, version = version + 1 WHERE id = :id AND status IN
   * (:from) [AND version = :expected]}.
   *
   * @param entityId the entity's id
   * @param from the states the transition is allowed from (never empty)
   * @param to the target state
   * @param expectedVersion the version the caller read, or -1 to accept any
   * @return what happened, with the entity's state and version after the attempt
   */
  TransitionAttempt transition(String entityId, Set<String> from, String to, long expectedVersion);

  /**
   * Reads an entity.
   *
   * @param entityId the entity's id
   * @return its state and version, if it exists
   */
  Optional<VersionedState> find(String entityId);

  /**
   * An entity's state and version.
   *
   * @param state the state's name
   * @param version incremented by every applied transition
   */
  record VersionedState(String state, long version) {}

  /**
   * The store's answer to a transition.
   *
   * @param applied whether the write happened
   * @param current the state and version after the attempt, or null if the entity does not exist
   */
  record TransitionAttempt(boolean applied, VersionedState current) {}
}
