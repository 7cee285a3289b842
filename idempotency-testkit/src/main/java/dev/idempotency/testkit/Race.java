package dev.idempotency.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Runs N tasks on N threads released at the same instant, and collects what each returned or threw.
 * Bounded: gives up (and fails) after a minute.
 */
public final class Race {
  private Race() {}

  /**
   * What one racer ended with.
   *
   * @param <R> the result type
   * @param value the result, if it returned
   * @param failure what it threw, or null
   */
  public record Outcome<R>(R value, Throwable failure) {
    /**
     * Whether the racer returned normally.
     *
     * @return true if it did not throw
     */
    public boolean succeeded() {
      return failure == null;
    }
  }

  /**
   * Runs the race.
   *
   * @param <R> the result type
   * @param threads how many racers
   * @param task the task of racer {@code i}
   * @return the outcomes, in racer order
   * @throws Exception if the race does not finish within a minute
   */
  public static <R> List<Outcome<R>> run(int threads, IntFunction<Callable<R>> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch ready = new CountDownLatch(threads);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Outcome<R>>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        Callable<R> c = task.apply(i);
        futures.add(pool.submit(() -> {
          ready.countDown();
          go.await();
          try {
            return new Outcome<>(c.call(), null);
          } catch (Throwable t) {
            return new Outcome<R>(null, t);
          }
        }));
      }
      if (!ready.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("racers did not start");
      }
      go.countDown();
      List<Outcome<R>> outcomes = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
      for (Future<Outcome<R>> f : futures) {
        outcomes.add(f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
      }
      return outcomes;
    } finally {
      pool.shutdownNow();
    }
  }
}
