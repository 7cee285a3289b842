package dev.idempotency.state;

import dev.idempotency.defence.DefenceOutcome;
import dev.idempotency.defence.Layer;
import java.util.function.Function;

/** A state transition as a layer; see {@link StateMachine#asLayer}. */
final class TransitionLayer<R, T, S extends Enum<S>> implements Layer<R, T> {
  private final StateMachine<S> machine;
  private final Function<? super R, String> entityId;
  private final S target;

  TransitionLayer(StateMachine<S> machine, Function<? super R, String> entityId, S target) {
    this.machine = machine;
    this.entityId = entityId;
    this.target = target;
  }

  @Override
  public String name() {
    return "state-machine";
  }

  @Override
  public DefenceOutcome<T> apply(R request, Chain<T> next) throws Exception {
    String id = entityId.apply(request);
    TransitionResult<S> r = machine.transition(id, target);
    switch (r.outcome()) {
      case APPLIED:
        return next.proceed();
      case ALREADY_APPLIED:
        return new DefenceOutcome.Stopped<>(name(), DefenceOutcome.Reason.DUPLICATE, id + " is already " + target);
      case NOT_FOUND:
        return new DefenceOutcome.Stopped<>(name(), DefenceOutcome.Reason.STATE_REJECTED, id + " does not exist");
      default:
        return new DefenceOutcome.Stopped<>(name(), DefenceOutcome.Reason.STATE_REJECTED,
            id + " is " + r.current() + ", which does not allow " + target);
    }
  }
}
