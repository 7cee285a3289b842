package dev.idempotency.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.FencingToken;
import dev.idempotency.InvalidInputException;
import dev.idempotency.spi.StateStore;
import dev.idempotency.state.StateMachine;
import dev.idempotency.state.TransitionResult.Outcome;
import dev.idempotency.state.TransitionResult;
import dev.idempotency.state.UnknownStateException;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The contract of the state machine (docs/contract.md, section 7), run by every backend: extend it and
 * implement {@link #newClient()}.
 */
public abstract class StateMachineContract extends ContractSupport {

  /** For subclasses: a backend's fixture or test class. */
  protected StateMachineContract() {}

  /** The states of an order, as a test declares them. */
  public enum OrderState {
    /** Placed, not paid. */
    NEW,
    /** Paid. */
    PAID,
    /** Shipped. */
    SHIPPED,
    /** Cancelled. */
    CANCELLED,
    /** Declared in the enum, but no transition leads to it. */
    ARCHIVED
  }

  /**
   * A new, independent client of the backend's entity store under test (for JDBC, one table),
   * sharing its data.
   *
   * @return the client (by default, one of {@link #fixture()})
   */
  protected StateStore newClient() {
    return fixture().newClient().stateStore("orders");
  }

  @Override
  protected void advance(java.time.Duration d) {
    // The state machine has no time-based behaviour.
  }

  private StateMachine<OrderState> orders() {
    return StateMachine.builder(OrderState.class, newClient(), "orders")
        .allow(OrderState.NEW, OrderState.PAID)
        .allow(OrderState.PAID, OrderState.SHIPPED)
        .allow(OrderState.NEW, OrderState.CANCELLED)
        .allow(OrderState.PAID, OrderState.CANCELLED)
        .build();
  }

  private String newOrder() {
    String id = ns + "-" + UUID.randomUUID();
    assertThat(orders().create(id, OrderState.NEW)).isTrue();
    return id;
  }

  @Test
  void anEntityIsCreatedOnce() {
    String id = newOrder();
    assertThat(orders().create(id, OrderState.PAID)).isFalse();
    assertThat(orders().current(id)).get().extracting(TransitionResult::current).isEqualTo(OrderState.NEW);
  }

  @Test
  void aTransitionIsAppliedOnceAndEveryRepeatIsAlreadyApplied() {
    String id = newOrder();
    TransitionResult<OrderState> first = orders().transition(id, OrderState.PAID);
    assertThat(first.outcome()).isEqualTo(Outcome.APPLIED);
    assertThat(first.current()).isEqualTo(OrderState.PAID);
    assertThat(first.version()).isEqualTo(1);

    TransitionResult<OrderState> repeat = orders().transition(id, OrderState.PAID);
    assertThat(repeat.outcome()).isEqualTo(Outcome.ALREADY_APPLIED);
    assertThat(repeat.succeeded()).isTrue();
    assertThat(repeat.version()).isEqualTo(1);
  }

  @Test
  void aTransitionTheCurrentStateDoesNotAllowIsRejectedNamingTheState() {
    String id = newOrder();
    TransitionResult<OrderState> r = orders().transition(id, OrderState.SHIPPED);
    assertThat(r.outcome()).isEqualTo(Outcome.REJECTED);
    assertThat(r.current()).isEqualTo(OrderState.NEW);
    assertThat(r.version()).isZero();
    orders().transition(id, OrderState.CANCELLED);
    assertThat(orders().transition(id, OrderState.PAID).current()).isEqualTo(OrderState.CANCELLED);
  }

  @Test
  void anUnknownEntityIsNotFound() {
    TransitionResult<OrderState> r = orders().transition(ns + "-missing", OrderState.PAID);
    assertThat(r.outcome()).isEqualTo(Outcome.NOT_FOUND);
    assertThat(r.current()).isNull();
    assertThat(orders().current(ns + "-missing")).isEmpty();
  }

  @Test
  void versionsCountAppliedTransitions() {
    String id = newOrder();
    orders().transition(id, OrderState.PAID);
    orders().transition(id, OrderState.PAID);
    TransitionResult<OrderState> shipped = orders().transition(id, OrderState.SHIPPED);
    assertThat(shipped.version()).isEqualTo(2);
    assertThat(orders().current(id)).get().extracting(TransitionResult::version).isEqualTo(2L);
  }

  @Test
  void sixtyFourRacersOnTheSameTransitionApplyItExactlyOnce() throws Exception {
    String id = newOrder();
    List<StateMachine<OrderState>> clients = List.of(orders(), orders(), orders(), orders());
    List<Race.Outcome<TransitionResult<OrderState>>> outcomes =
        Race.run(64, i -> () -> clients.get(i % 4).transition(id, OrderState.PAID));
    assertThat(outcomes).allSatisfy(o -> assertThat(o.value().succeeded()).isTrue());
    assertThat(outcomes.stream().filter(o -> o.value().outcome() == Outcome.APPLIED).count()).isEqualTo(1);
    assertThat(orders().current(id)).get().extracting(TransitionResult::version).isEqualTo(1L);
  }

  @Test
  void sixtyFourRacersOnConflictingTransitionsLetExactlyOneWin() throws Exception {
    // From PAID an order may be shipped or cancelled, and neither allows the other afterwards.
    String id = newOrder();
    orders().transition(id, OrderState.PAID);
    // Four clients, as four instances, built before the start: the race is among the transitions.
    List<StateMachine<OrderState>> clients = List.of(orders(), orders(), orders(), orders());
    List<Race.Outcome<TransitionResult<OrderState>>> outcomes = Race.run(64, i -> () ->
        clients.get(i % 4).transition(id, i % 2 == 0 ? OrderState.SHIPPED : OrderState.CANCELLED));
    assertThat(outcomes).as("every racer is answered").allSatisfy(o -> assertThat(o.failure()).isNull());
    List<TransitionResult<OrderState>> applied = outcomes.stream().map(Race.Outcome::value)
        .filter(r -> r.outcome() == Outcome.APPLIED).toList();
    assertThat(applied).hasSize(1);
    OrderState winner = applied.get(0).current();
    assertThat(outcomes).allSatisfy(o -> assertThat(o.value().outcome())
        .isIn(Outcome.APPLIED, Outcome.ALREADY_APPLIED, Outcome.REJECTED));
    assertThat(outcomes.stream().map(Race.Outcome::value).filter(r -> r.outcome() == Outcome.REJECTED))
        .allSatisfy(r -> assertThat(r.current()).isEqualTo(winner));
    TransitionResult<OrderState> now = orders().current(id).orElseThrow();
    assertThat(now.current()).isEqualTo(winner);
    assertThat(now.version()).isEqualTo(2);
  }

  @Test
  void optimisticVersionRejectsAStaleWriteAndChangesNothing() {
    String id = newOrder();
    long read = orders().current(id).orElseThrow().version();
    assertThat(orders().transition(id, OrderState.PAID, read).outcome()).isEqualTo(Outcome.APPLIED);
    TransitionResult<OrderState> stale = orders().transition(id, OrderState.CANCELLED, read);
    assertThat(stale.outcome()).isEqualTo(Outcome.STALE_VERSION);
    assertThat(stale.current()).isEqualTo(OrderState.PAID);
    assertThat(stale.version()).isEqualTo(1);
    assertThat(orders().transition(id, OrderState.CANCELLED, 1).outcome()).isEqualTo(Outcome.APPLIED);
  }

  @Test
  void aFencedWriteWithAnOlderTokenIsRefusedAndChangesNothing() {
    String id = newOrder();
    assertThat(orders().transition(id, OrderState.PAID, FencingToken.of(100)).outcome()).isEqualTo(Outcome.APPLIED);

    TransitionResult<OrderState> stale = orders().transition(id, OrderState.SHIPPED, FencingToken.of(99));
    assertThat(stale.outcome()).isEqualTo(Outcome.FENCED);
    assertThat(stale.current()).isEqualTo(OrderState.PAID);
    assertThat(stale.version()).isEqualTo(1);
    assertThat(orders().current(id)).get().extracting(TransitionResult::current).isEqualTo(OrderState.PAID);

    // The holder of the newest token may write again, and a newer holder after it.
    assertThat(orders().transition(id, OrderState.SHIPPED, FencingToken.of(100)).outcome()).isEqualTo(Outcome.APPLIED);
    String other = newOrder();
    assertThat(orders().transition(other, OrderState.PAID, FencingToken.of(5)).outcome()).isEqualTo(Outcome.APPLIED);
    assertThat(orders().transition(other, OrderState.CANCELLED, FencingToken.of(6)).outcome()).isEqualTo(Outcome.APPLIED);
    assertThat(orders().transition(other, OrderState.CANCELLED, FencingToken.of(5)).outcome())
        .as("a repeat of a state already reached is success, whoever asks").isEqualTo(Outcome.ALREADY_APPLIED);
  }

  @Test
  void sixtyFourHoldersWithDifferentTokensApplyATransitionOnceAndStaleOnesAreFenced() throws Exception {
    String id = newOrder();
    assertThat(orders().transition(id, OrderState.PAID, FencingToken.of(1_000)).outcome()).isEqualTo(Outcome.APPLIED);
    List<StateMachine<OrderState>> clients = List.of(orders(), orders(), orders(), orders());
    List<Race.Outcome<TransitionResult<OrderState>>> outcomes = Race.run(64, i -> () ->
        clients.get(i % 4).transition(id, OrderState.SHIPPED, FencingToken.of(970 + i)));
    // Tokens 970..999 are older than the fence (1000): always fenced. Of 1000..1033, exactly one applies.
    for (int i = 0; i < 64; i++) {
      TransitionResult<OrderState> r = outcomes.get(i).value();
      if (970 + i < 1_000) {
        assertThat(r.outcome()).as("token %d", 970 + i).isIn(Outcome.FENCED, Outcome.ALREADY_APPLIED);
      }
    }
    assertThat(outcomes.stream().filter(o -> o.value().outcome() == Outcome.APPLIED).count()).isEqualTo(1);
    assertThat(orders().current(id)).get().extracting(TransitionResult::version).isEqualTo(2L);
  }

  @Test
  void aStoredStateTheEnumDoesNotDeclareIsATypedError() {
    String id = ns + "-bogus";
    assertThat(newClient().create(id, "BOGUS")).isTrue();
    assertThatThrownBy(() -> orders().transition(id, OrderState.PAID)).isInstanceOf(UnknownStateException.class);
  }

  @Test
  void badInputIsATypedErrorAndWritesNothing() {
    String id = newOrder();
    StateMachine<OrderState> m = orders();
    assertThatThrownBy(() -> m.transition(id, OrderState.ARCHIVED)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> m.transition(id, null)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> m.transition(null, OrderState.PAID)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> m.transition(" ", OrderState.PAID)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> m.transition("a\u0000b", OrderState.PAID)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> m.transition(id, OrderState.PAID, -2)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> m.transition(id, OrderState.PAID, -1)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> m.transition(id, OrderState.PAID, (FencingToken) null)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> FencingToken.of(-7)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> m.create(id + "x", null)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> StateMachine.builder(OrderState.class, newClient(), "orders")
        .allow(OrderState.NEW, OrderState.NEW)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> StateMachine.builder(OrderState.class, newClient(), "orders").build())
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> StateMachine.builder(OrderState.class, newClient(), "orders; drop table"))
        .isInstanceOf(InvalidInputException.class);
    TransitionResult<OrderState> unchanged = m.current(id).orElseThrow();
    assertThat(unchanged.current()).isEqualTo(OrderState.NEW);
    assertThat(unchanged.version()).isZero();
    assertThat(m.current(id + "x")).isEmpty();
  }
}
