package dev.idempotency.state;

import dev.idempotency.IdempotencyException;

/** The store holds a state that the state machine's enum does not declare. */
public class UnknownStateException extends IdempotencyException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param entityId the entity
   * @param state the stored state
   * @param type the state enum
   */
  public UnknownStateException(String entityId, String state, Class<?> type) {
    super("entity " + entityId + " is in state \"" + state + "\", which " + type.getSimpleName()
        + " does not declare");
  }
}
