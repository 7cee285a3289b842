package dev.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.codec.Codecs;
import dev.idempotency.defence.DefenceOutcome;
import dev.idempotency.defence.LayeredDefence;
import dev.idempotency.lock.DistributedLocks;
import dev.idempotency.lock.LockOptions;
import dev.idempotency.memory.InMemoryBackend;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.LockStore;
import dev.idempotency.spi.StepRunner;
import dev.idempotency.spi.StoreStep;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A layer's lock taken inside a claimed action is released with the claim's completion, in one call
 * of the store's step runner (one round trip on a backend that runs steps together), and on every
 * other path exactly once, alone, before the claim's own write: never lost, never doubled, never
 * after a retry could need the lock.
 */
class WritesAfterTheActionTest {
  private final InMemoryBackend memory = InMemoryBackend.create();
  private final Runner runner = new Runner();
  private final IdempotencyStore records = withSteps(IdempotencyStore.class, memory.idempotencyStore());
  private final LockStore lockStore = withSteps(LockStore.class, memory.lockStore());
  private final DistributedLocks locks = DistributedLocks.builder(lockStore).build();
  private final DistributedLocks elsewhere = DistributedLocks.builder(memory.lockStore()).build();
  private final IdempotencyEngine engine = IdempotencyEngine.builder(records).build();
  private final LayeredDefence<String, String> defence = LayeredDefence.<String, String>builder("orders")
      .layer(locks.asLayer(user -> IdempotencyKey.of("order-lock", user),
          LockOptions.builder().lease(Duration.ofSeconds(30)).build()))
      .build();
  private final AtomicInteger runs = new AtomicInteger();
  private boolean completeStepThrows;
  private boolean releaseStepThrows;

  @AfterEach
  void close() {
    locks.close();
    elsewhere.close();
  }

  /** A runner that runs the steps one by one and records each call's steps (one call = one round trip). */
  private static final class Runner implements StepRunner {
    final List<List<String>> calls = new ArrayList<>();
    int failuresLeft;

    @Override
    public List<Object> runInOrder(List<? extends StoreStep<?>> steps) {
      List<String> call = new ArrayList<>();
      calls.add(call);
      for (StoreStep<?> s : steps) {
        call.add(s.toString());
      }
      if (failuresLeft > 0) {
        failuresLeft--;
        throw new StoreUnavailableException("steps", "run steps", new IllegalStateException("read timed out"));
      }
      List<Object> replies = new ArrayList<>();
      for (StoreStep<?> s : steps) {
        replies.add(s.run());
      }
      return replies;
    }
  }

  private record Step<V>(String name, Supplier<V> call, StepRunner runner) implements StoreStep<V> {
    @Override
    public V run() {
      return call.get();
    }

    @Override
    public boolean passes(V reply) {
      return true;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** The in-memory store, handing out its completion and lock-release calls as steps of {@link #runner}. */
  @SuppressWarnings("unchecked")
  private <S> S withSteps(Class<S> type, S store) {
    InvocationHandler h = (proxy, method, args) -> {
      switch (method.getName()) {
        case "stepRunner":
          return runner;
        case "completeStep":
          if (completeStepThrows) {
            throw new IllegalStateException("the store could not build its completion step");
          }
          return new Step<>("complete", () -> ((IdempotencyStore) store).complete((String) args[0], (long) args[1],
              (byte[]) args[2], (Duration) args[3]), runner);
        case "releaseStep":
          if (releaseStepThrows) {
            throw new IllegalStateException("the store could not build its release step");
          }
          return new Step<>("release lock", () -> ((LockStore) store).release((String) args[0], (String) args[1]),
              runner);
        default:
          try {
            return method.invoke(store, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
      }
    };
    return (S) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, h);
  }

  private String order(String user) {
    DefenceOutcome<String> o = defence.execute(user, u -> "order " + runs.incrementAndGet() + " of " + u);
    return o.value().orElseThrow();
  }

  private boolean lockIsFree(String user) {
    return elsewhere.tryLock(IdempotencyKey.of("order-lock", user), LockOptions.builder().owner("another")
        .build()).map(h -> h.release()).orElse(false);
  }

  @Test
  void theLockIsReleasedWithTheCompletionInOneCall() {
    IdempotencyKey key = IdempotencyKey.of("orders", "k-1");
    String value = engine.execute(key, Fingerprint.none(), Codecs.string(), c -> order("u1")).value();

    assertThat(value).isEqualTo("order 1 of u1");
    assertThat(runner.calls).as("the lock's release and the completion, one call").containsExactly(
        List.of("release lock", "complete"));
    assertThat(lockIsFree("u1")).isTrue();
    CallResult<String> retry = engine.execute(key, Fingerprint.none(), Codecs.string(), c -> order("u1"));
    assertThat(retry.replayed()).isTrue();
    assertThat(retry.value()).isEqualTo("order 1 of u1");
  }

  @Test
  void withoutAClaimTheLockIsReleasedAtOnce() {
    assertThat(order("u2")).isEqualTo("order 1 of u2");
    assertThat(runner.calls).isEmpty();
    assertThat(lockIsFree("u2")).isTrue();
  }

  @Test
  void anActionThatFailsAfterTheDefenceReleasesTheLockBeforeItsClaimSoTheRetryRuns() {
    IdempotencyKey key = IdempotencyKey.of("orders", "k-2");
    assertThatThrownBy(() -> engine.execute(key, Fingerprint.none(), Codecs.string(), c -> {
      order("u3");
      throw new IllegalStateException("the response could not be written");
    })).isInstanceOf(IllegalStateException.class);

    assertThat(runner.calls).as("nothing to complete: the release went alone").isEmpty();
    assertThat(lockIsFree("u3")).isTrue();
    assertThat(engine.execute(key, Fingerprint.none(), Codecs.string(), c -> order("u3")).value())
        .isEqualTo("order 2 of u3");
  }

  @Test
  void aResultNotKeptReleasesTheLockAloneAndTheRetryRuns() {
    IdempotencyKey key = IdempotencyKey.of("orders", "k-3");
    CallOptions options = CallOptions.builder().build();
    assertThat(engine.execute(key, Fingerprint.none(), Codecs.string(), options, c -> order("u4"),
        v -> false).value()).isEqualTo("order 1 of u4");
    assertThat(runner.calls).isEmpty();
    assertThat(lockIsFree("u4")).isTrue();
    assertThat(engine.execute(key, Fingerprint.none(), Codecs.string(), c -> order("u4")).value())
        .isEqualTo("order 2 of u4");
  }

  @Test
  void aFailedRoundTripIsRetriedAsACompletionAloneAndTheReleaseIsNotSentTwice() {
    runner.failuresLeft = 1;
    IdempotencyKey key = IdempotencyKey.of("orders", "k-4");
    assertThat(engine.execute(key, Fingerprint.none(), Codecs.string(), c -> order("u5")).value())
        .isEqualTo("order 1 of u5");
    assertThat(runner.calls).as("one failed call; the completion was then retried alone, off the runner")
        .containsExactly(List.of("release lock", "complete"));
    CallResult<String> retry = engine.execute(key, Fingerprint.none(), Codecs.string(), c -> order("u5"));
    assertThat(retry.replayed()).isTrue();
    assertThat(runs).hasValue(1);
  }

  @Test
  void twoHoldsOfOneLockInOneActionAreBothReleasedWithTheCompletion() {
    IdempotencyKey key = IdempotencyKey.of("orders", "k-5");
    String value = engine.execute(key, Fingerprint.none(), Codecs.string(), c -> order("u6") + ", " + order("u6"))
        .value();
    assertThat(value).isEqualTo("order 1 of u6, order 2 of u6");
    assertThat(runner.calls).containsExactly(List.of("release lock", "release lock", "complete"));
    assertThat(lockIsFree("u6")).isTrue();
  }

  @Test
  void anAsynchronousActionReleasesTheLockAtOnce() {
    IdempotencyKey key = IdempotencyKey.of("orders", "k-6");
    CompletableFuture<CallResult<String>> f = engine.executeAsync(key, Fingerprint.none(), Codecs.string(),
        CallOptions.builder().build(), c -> CompletableFuture.completedFuture(order("u7")));
    assertThat(f.join().value()).isEqualTo("order 1 of u7");
    assertThat(runner.calls).isEmpty();
    assertThat(lockIsFree("u7")).isTrue();
  }

  @Test
  void aCompletionStepThatCannotBeBuiltLeavesTheReleaseAndTheCompletionToGoAloneBothOnce() {
    completeStepThrows = true;
    IdempotencyKey key = IdempotencyKey.of("orders", "k-7");
    assertThat(engine.execute(key, Fingerprint.none(), Codecs.string(), c -> order("u8")).value())
        .isEqualTo("order 1 of u8");
    assertThat(runner.calls).as("the release went alone, then the completion alone").isEmpty();
    assertThat(lockIsFree("u8")).isTrue();
    CallResult<String> retry = engine.execute(key, Fingerprint.none(), Codecs.string(), c -> order("u8"));
    assertThat(retry.replayed()).isTrue();
    assertThat(retry.value()).isEqualTo("order 1 of u8");
    assertThat(runs).hasValue(1);
  }

  @Test
  void aReleaseStepThatCannotBeBuiltReleasesTheLockAtOnceAndTheCallCompletes() {
    releaseStepThrows = true;
    IdempotencyKey key = IdempotencyKey.of("orders", "k-8");
    assertThat(engine.execute(key, Fingerprint.none(), Codecs.string(), c -> order("u9")).value())
        .isEqualTo("order 1 of u9");
    assertThat(runner.calls).as("the lock released at once; the completion alone, off the runner").isEmpty();
    assertThat(lockIsFree("u9")).isTrue();
    CallResult<String> retry = engine.execute(key, Fingerprint.none(), Codecs.string(), c -> order("u9"));
    assertThat(retry.replayed()).isTrue();
    assertThat(runs).hasValue(1);
  }
}
