package dev.idempotency.state;

import dev.idempotency.FencingToken;
import dev.idempotency.IdempotencyEvent;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.IdempotencyListener;
import dev.idempotency.InvalidInputException;
import dev.idempotency.defence.DefenceOutcome;
import dev.idempotency.defence.Layer;
import dev.idempotency.spi.StateStore;
import dev.idempotency.spi.support.Listeners;
import dev.idempotency.spi.support.Require;
import dev.idempotency.spi.support.StoreCalls;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;

// Size: the transition table and its builder, create/transition/read with fencing and versions, and
// the layer factory; the layer itself is TransitionLayer.
/**
 * Entities whose state changes only along declared transitions, each change one conditional write,
 * so that a repeated or concurrent request cannot apply a change twice or skip a state.
 *
 * <pre>{@code
 * StateMachine<OrderStatus> orders = StateMachine.builder(OrderStatus.class, store, "orders")
 *     .allow(NEW, PAID).allow(PAID, SHIPPED).allow(NEW, CANCELLED).allow(PAID, CANCELLED)
 *     .build();
 * orders.transition(orderId, PAID);   // APPLIED once, ALREADY_APPLIED on every repeat
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>A transition to {@code to} is one atomic conditional write on the backend: {@code status IN
 *       (states declared to lead to it)}, version incremented. Of any number of concurrent attempts,
 *       at most one is APPLIED per change of state.</li>
 *   <li>Outcomes: APPLIED; ALREADY_APPLIED (already in the target state: a repeat is success);
 *       REJECTED naming the current state; NOT_FOUND; with an expected version (optimistic
 *       locking), STALE_VERSION; with a fencing token, FENCED when a newer token already wrote the
 *       entity.</li>
 *   <li>A target no declared transition leads to, and a null or malformed id, are
 *       {@link dev.idempotency.InvalidInputException}s before anything is sent to the store.</li>
 * </ul>
 *
 * <p>Round trips: one for an applied transition; one more (a read) to classify one that was not.
 * Thread-safe.
 *
 * @param <S> the state enum
 */
public final class StateMachine<S extends Enum<S>> {
  private final Class<S> type;
  private final StateStore store;
  private final String name;
  private final Map<S, Set<String>> sourcesByTarget;
  private final IdempotencyListener listener;

  private StateMachine(Builder<S> b) {
    this.type = b.type;
    this.store = b.store;
    this.name = b.name;
    this.listener = b.listener;
    Map<S, Set<String>> sources = new EnumMap<>(type);
    b.allowed.forEach((to, froms) -> {
      Set<String> names = new LinkedHashSet<>();
      froms.forEach(s -> names.add(s.name()));
      sources.put(to, Collections.unmodifiableSet(names));
    });
    this.sourcesByTarget = Collections.unmodifiableMap(sources);
  }

  /**
   * Starts declaring a state machine.
   *
   * @param <S> the state enum
   * @param type the state enum's class
   * @param store the backend (one entity type, such as one table)
   * @param name the machine's name, an identifier used in events and logs (for example "orders")
   * @return a builder
   */
  public static <S extends Enum<S>> Builder<S> builder(Class<S> type, StateStore store, String name) {
    return new Builder<>(Require.nonNull(type, "type"), Require.nonNull(store, "store"),
        Require.identifier(name, "name", 64));
  }

  /**
   * Creates an entity in a state (version 0), if the id is free.
   *
   * @param entityId the entity's id
   * @param initial the initial state
   * @return true if created, false if the id exists
   */
  public boolean create(String entityId, S initial) {
    checkId(entityId);
    Require.nonNull(initial, "initial");
    return StoreCalls.call(store.name(), "create", listener, name, () -> store.create(entityId, initial.name()));
  }

  /**
   * Moves an entity to a state, from any state declared to lead to it.
   *
   * @param entityId the entity's id
   * @param to the target state
   * @return the outcome
   * @throws dev.idempotency.InvalidInputException if the id is malformed or no declared transition
   *     leads to the target
   * @throws dev.idempotency.StoreUnavailableException if the store cannot be reached
   */
  public TransitionResult<S> transition(String entityId, S to) {
    return transition(entityId, to, StateStore.Condition.NONE);
  }

  /**
   * Moves an entity to a state, if its version is still the one the caller read (optimistic
   * locking): {@link TransitionResult.Outcome#STALE_VERSION} otherwise.
   *
   * @param entityId the entity's id
   * @param to the target state
   * @param expectedVersion the version read, {@code >= 0}
   * @return the outcome
   * @throws dev.idempotency.InvalidInputException as {@link #transition(String, Enum)}, or if the
   *     version is negative
   * @throws dev.idempotency.StoreUnavailableException if the store cannot be reached
   */
  public TransitionResult<S> transition(String entityId, S to, long expectedVersion) {
    return transition(entityId, to, new StateStore.Condition(version(expectedVersion), Optional.empty()));
  }

  /**
   * Moves an entity to a state as the holder of a lock or claim: the write is refused
   * ({@link TransitionResult.Outcome#FENCED}) if a newer fencing token has already written the
   * entity, so a holder whose lease expired mid-work cannot overwrite its successor. Pass
   * {@link dev.idempotency.lock.LockHandle#fencingToken()} or {@link dev.idempotency.Claim#fencingToken()}:
   * tokens of one backend are comparable across its stores ({@link FencingToken}).
   *
   * @param entityId the entity's id
   * @param to the target state
   * @param fencingToken the writer's fencing token
   * @return the outcome
   * @throws dev.idempotency.InvalidInputException as {@link #transition(String, Enum)}, or if the
   *     token is null or the store keeps no fence
   * @throws dev.idempotency.StoreUnavailableException if the store cannot be reached
   */
  public TransitionResult<S> transition(String entityId, S to, FencingToken fencingToken) {
    return transition(entityId, to, new StateStore.Condition(OptionalLong.empty(),
        Optional.of(Require.nonNull(fencingToken, "fencingToken"))));
  }

  /**
   * Moves an entity to a state if its version is still the one read and no newer fencing token has
   * written it: both checks of the overloads above in one conditional write.
   *
   * @param entityId the entity's id
   * @param to the target state
   * @param expectedVersion the version read, {@code >= 0}
   * @param fencingToken the writer's fencing token
   * @return the outcome
   * @throws dev.idempotency.InvalidInputException as the overloads above
   * @throws dev.idempotency.StoreUnavailableException if the store cannot be reached
   */
  public TransitionResult<S> transition(String entityId, S to, long expectedVersion, FencingToken fencingToken) {
    return transition(entityId, to, new StateStore.Condition(version(expectedVersion),
        Optional.of(Require.nonNull(fencingToken, "fencingToken"))));
  }

  private static OptionalLong version(long expectedVersion) {
    if (expectedVersion < 0) {
      throw new InvalidInputException("expectedVersion", "must be >= 0, was " + expectedVersion);
    }
    return OptionalLong.of(expectedVersion);
  }

  private TransitionResult<S> transition(String entityId, S to, StateStore.Condition condition) {
    checkId(entityId);
    Require.nonNull(to, "to");
    Set<String> from = sourcesByTarget.get(to);
    if (from == null) {
      throw new InvalidInputException("to", "no declared transition of " + name + " leads to " + to);
    }
    StateStore.TransitionAttempt attempt = StoreCalls.call(store.name(), "transition", listener, name,
        () -> store.transition(entityId, from, to.name(), condition));
    TransitionResult<S> result = classify(entityId, to, condition, attempt);
    IdempotencyEvent event = switch (result.outcome()) {
      case APPLIED -> IdempotencyEvent.TRANSITION_APPLIED;
      case ALREADY_APPLIED -> IdempotencyEvent.TRANSITION_ALREADY_APPLIED;
      default -> IdempotencyEvent.TRANSITION_REJECTED;
    };
    Listeners.report(listener, event, name);
    return result;
  }

  /**
   * Reads an entity's state and version.
   *
   * @param entityId the entity's id
   * @return the state and version, if the entity exists
   */
  public Optional<TransitionResult<S>> current(String entityId) {
    checkId(entityId);
    return StoreCalls.call(store.name(), "find", listener, name, () -> store.find(entityId))
        .map(v -> new TransitionResult<>(TransitionResult.Outcome.ALREADY_APPLIED,
            parse(entityId, v.state()), v.version()));
  }

  private TransitionResult<S> classify(String entityId, S to, StateStore.Condition condition,
      StateStore.TransitionAttempt attempt) {
    StateStore.VersionedState cur = attempt.current();
    if (cur == null) {
      return new TransitionResult<>(TransitionResult.Outcome.NOT_FOUND, null, -1);
    }
    S state = parse(entityId, cur.state());
    if (attempt.applied()) {
      return new TransitionResult<>(TransitionResult.Outcome.APPLIED, state, cur.version());
    }
    if (state == to) {
      return new TransitionResult<>(TransitionResult.Outcome.ALREADY_APPLIED, state, cur.version());
    }
    if (condition.fence().isPresent() && cur.fence() > condition.fence().get().value()) {
      return new TransitionResult<>(TransitionResult.Outcome.FENCED, state, cur.version());
    }
    if (condition.expectedVersion().isPresent() && cur.version() != condition.expectedVersion().getAsLong()
        && sourcesByTarget.get(to).contains(cur.state())) {
      return new TransitionResult<>(TransitionResult.Outcome.STALE_VERSION, state, cur.version());
    }
    return new TransitionResult<>(TransitionResult.Outcome.REJECTED, state, cur.version());
  }

  private S parse(String entityId, String stored) {
    try {
      return Enum.valueOf(type, stored);
    } catch (IllegalArgumentException e) {
      throw new UnknownStateException(entityId, stored, type);
    }
  }

  private static void checkId(String entityId) {
    Require.keyText(entityId, "entityId", IdempotencyKey.MAX_VALUE_LENGTH);
  }

  /**
   * Declares a {@link StateMachine}; not thread-safe.
   *
   * @param <S> the state enum
   */
  public static final class Builder<S extends Enum<S>> {
    private final Class<S> type;
    private final StateStore store;
    private final String name;
    private final Map<S, Set<S>> allowed;
    private IdempotencyListener listener = IdempotencyListener.NOOP;

    private Builder(Class<S> type, StateStore store, String name) {
      this.type = type;
      this.store = store;
      this.name = name;
      this.allowed = new EnumMap<>(type);
    }

    /**
     * Declares that an entity may move from one state to another.
     *
     * @param from the source state
     * @param to the target state, different from the source
     * @return this builder
     */
    public Builder<S> allow(S from, S to) {
      Require.nonNull(from, "from");
      Require.nonNull(to, "to");
      Require.argument(from != to, "to", "a transition must change the state (" + from + " -> " + to + ")");
      allowed.computeIfAbsent(to, k -> EnumSet.noneOf(type)).add(from);
      return this;
    }

    /**
     * Sets the listener.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder<S> listener(IdempotencyListener listener) {
      this.listener = Require.nonNull(listener, "listener");
      return this;
    }

    /**
     * Builds the state machine.
     *
     * @return the state machine
     */
    public StateMachine<S> build() {
      Require.argument(!allowed.isEmpty(), "transitions", "declare at least one transition");
      return new StateMachine<>(this);
    }
  }

  /**
   * A transition of this machine as a layer of a {@link dev.idempotency.defence.LayeredDefence}: it
   * applies the transition, then lets the request through; a transition applied before stops it as
   * a duplicate, one the current state does not allow (or an unknown entity) stops it as
   * {@link DefenceOutcome.Reason#STATE_REJECTED}. The transition is written before the action: on
   * JDBC, run both in one transaction so that they commit together.
   *
   * @param <R> the request type
   * @param <T> the result type
   * @param entityId the entity the request changes
   * @param target the state the request moves it to
   * @return the layer, named {@code "state-machine"}; thread-safe
   * @throws InvalidInputException if an argument is null
   */
  public <R, T> Layer<R, T> asLayer(Function<? super R, String> entityId, S target) {
    return new TransitionLayer<>(this, Require.nonNull(entityId, "entityId"), Require.nonNull(target, "target"));
  }
}
