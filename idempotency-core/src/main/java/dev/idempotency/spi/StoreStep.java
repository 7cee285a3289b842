package dev.idempotency.spi;

/**
 * One store call as a value, so that a backend can send several in one round trip: the call a layer
 * of a {@link dev.idempotency.defence.LayeredDefence} opens with (a rate limit's permit, a token's
 * use, a lock's acquisition). A store hands one out from its {@code ...Step} method when its backend
 * can run it together with others ({@link #runner()}); a backend that cannot returns null there, and
 * the layer makes its call as always.
 *
 * <p>Running a step has exactly the effect of the store method it stands for, and its reply is that
 * method's answer. Steps are immutable; {@link #run()} may be called from any thread.
 *
 * @param <V> the reply's type: what the store method returns
 */
public interface StoreStep<V> {
  /**
   * Runs this step alone: one round trip, as the store method it stands for.
   *
   * @return the reply
   * @throws dev.idempotency.StoreUnavailableException if the store cannot be reached
   */
  V run();

  /**
   * Whether the reply lets a request on: a permit granted, a token used up, a lock acquired. A
   * {@link StepRunner} runs no step after one whose reply does not pass.
   *
   * @param reply a reply of this step
   * @return true if it passes
   */
  boolean passes(V reply);

  /**
   * The runner that can send this step with others of its backend in one round trip. Steps are
   * run together only when they have equal runners.
   *
   * @return the runner, never null
   */
  StepRunner runner();
}
