package dev.idempotency.internal;

import dev.idempotency.spi.StepRunner;
import dev.idempotency.spi.StoreStep;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes that an action leaves for after it, sent with the completion of the claim it runs under in
 * one round trip: a layer's lock, taken inside a claimed action, is released in the same script as
 * the claim's completion, where it cost a round trip of its own.
 *
 * <p>The engine opens a {@link Pending} on the action's thread while the action runs, for the step
 * runner of its store; a write offered on that thread ({@link #offer}) with a step of the same runner
 * is taken and then run exactly once when the claim settles: before the completion's step, in the
 * same call of {@link StepRunner#runInOrder}, when the action succeeded and its result is stored;
 * alone, before the claim's own write, on every other path. A write offered anywhere else (no claim
 * on the thread, a store of another backend, an asynchronous action's other threads) is not taken:
 * its caller makes it at once, as it would without a claim. So a taken write happens later than it
 * would have, never not at all, and never twice.
 *
 * <p>Pending writes are confined to the thread that runs the action and settles its claim.
 */
public final class AfterAction {
  private static final ThreadLocal<Pending> CURRENT = new ThreadLocal<>();

  private AfterAction() {}

  /**
   * A write left for after the action: its step, and what to do with its reply.
   *
   * @param <V> the step's reply
   */
  public interface Write<V> {
    /** @return the step; it must always {@link StoreStep#passes pass}, so that the completion after it runs */
    StoreStep<V> step();

    /** Called just before the step is sent (a lock stops renewing its lease). */
    default void sending() {}

    /**
     * The step ran.
     *
     * @param reply its reply
     */
    void done(V reply);

    /**
     * The round trip that carried the step failed: it may or may not have run, and is not sent again.
     *
     * @param failure the failure
     */
    void failed(RuntimeException failure);
  }

  /** The writes one claimed action left for after it. Confined to one thread. */
  public static final class Pending {
    private final StepRunner runner;
    private final Pending outer;
    private List<Write<?>> writes;
    private boolean open = true;

    private Pending(StepRunner runner, Pending outer) {
      this.runner = runner;
      this.outer = outer;
    }

    /** @return whether a write is waiting */
    public boolean isEmpty() {
      return writes == null || writes.isEmpty();
    }

    /**
     * Runs the waiting writes and then {@code last}, in one call of the runner (one round trip where
     * the backend allows it), and returns {@code last}'s reply. If the call fails, every waiting
     * write is told so, and the failure is thrown.
     *
     * @param <V> the reply of {@code last}
     * @param last a step of this runner, the claim's completion
     * @return its reply
     * @throws RuntimeException the runner's failure
     */
    public <V> V runWith(StoreStep<V> last) {
      List<Write<?>> taken = take();
      List<StoreStep<?>> steps = new ArrayList<>(taken.size() + 1);
      for (Write<?> w : taken) {
        steps.add(w.step());
        w.sending();
      }
      steps.add(last);
      List<Object> replies;
      try {
        replies = runner.runInOrder(steps);
      } catch (RuntimeException e) {
        failAll(taken, e);
        throw e;
      }
      if (replies.size() != steps.size()) {
        IllegalStateException e = new IllegalStateException("a write left for after the action did not pass: "
            + replies.size() + " replies to " + steps.size() + " steps");
        failAll(taken, e);
        throw e;
      }
      for (int i = 0; i < taken.size(); i++) {
        done(taken.get(i), replies.get(i));
      }
      @SuppressWarnings("unchecked")
      V reply = (V) replies.get(taken.size());
      return reply;
    }

    /** Runs every waiting write alone, in the order offered; a failing one is told and the rest still run. */
    public void runAlone() {
      for (Write<?> w : take()) {
        w.sending();
        runOne(w);
      }
    }

    private List<Write<?>> take() {
      List<Write<?>> taken = writes == null ? List.of() : writes;
      writes = null;
      return taken;
    }

    private static <V> void runOne(Write<V> w) {
      V reply;
      try {
        reply = w.step().run();
      } catch (RuntimeException e) {
        w.failed(e);
        return;
      }
      w.done(reply);
    }

    @SuppressWarnings("unchecked")
    private static <V> void done(Write<V> w, Object reply) {
      w.done((V) reply);
    }

    private static void failAll(List<Write<?>> taken, RuntimeException e) {
      for (Write<?> w : taken) {
        w.failed(e);
      }
    }
  }

  /**
   * Opens the pending writes of an action about to run on this thread.
   *
   * @param runner the runner of the claim's store, which its completion's step will have
   * @return the pending writes; pass them to {@link #close} when the action returns
   */
  public static Pending open(StepRunner runner) {
    Pending p = new Pending(runner, CURRENT.get());
    CURRENT.set(p);
    return p;
  }

  /**
   * Takes no more writes for {@code p} (its action returned): the thread's pending writes are those
   * of the claim it was opened within, if any.
   *
   * @param p what {@link #open} returned, or null (then nothing happens)
   */
  public static void close(Pending p) {
    if (p == null || !p.open) {
      return;
    }
    p.open = false;
    if (p.outer == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(p.outer);
    }
  }

  /**
   * Offers a write to the claim the calling thread's action runs under.
   *
   * @param write the write; its step must always pass
   * @return true if taken (it will run once, when the claim settles); false if the caller must make
   *     it now
   */
  public static boolean offer(Write<?> write) {
    Pending p = CURRENT.get();
    if (p == null || !p.open || !p.runner.equals(write.step().runner())) {
      return false;
    }
    if (p.writes == null) {
      p.writes = new ArrayList<>(2);
    }
    p.writes.add(write);
    return true;
  }
}
