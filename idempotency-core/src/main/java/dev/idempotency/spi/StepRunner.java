package dev.idempotency.spi;

import java.util.List;

/**
 * Runs a sequence of {@link StoreStep}s of one backend in order, as one atomic step and in one round
 * trip where the backend allows it (on Redis, one script over the steps' keys; on Redis Cluster only
 * when they share a slot, otherwise one round trip per step). It stops after the first step whose
 * reply does not {@link StoreStep#passes pass}: the steps after it do not run, so the sequence has
 * exactly the effects of running the steps one by one and stopping there.
 *
 * <p>Implementations are thread-safe.
 */
public interface StepRunner {
  /**
   * Runs the steps in order, stopping after the first whose reply does not pass.
   *
   * @param steps at least one, each with this runner
   * @return the replies of the steps that ran, in order: one per step, or fewer when one did not pass
   *     (it is the last)
   * @throws dev.idempotency.StoreUnavailableException if the store cannot be reached; as with one
   *     call, the steps may or may not have run (a reply lost on the way back)
   */
  List<Object> runInOrder(List<? extends StoreStep<?>> steps);
}
