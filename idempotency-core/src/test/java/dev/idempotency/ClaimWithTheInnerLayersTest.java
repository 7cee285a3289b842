package dev.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.codec.Codecs;
import dev.idempotency.defence.DefenceOutcome;
import dev.idempotency.defence.Layer;
import dev.idempotency.defence.LayeredDefence;
import dev.idempotency.lock.DistributedLocks;
import dev.idempotency.lock.LockHandle;
import dev.idempotency.lock.LockOptions;
import dev.idempotency.memory.InMemoryBackend;
import dev.idempotency.spi.ClaimResult;
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
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The idempotent call as a layer sends its claim with the opening steps of the layers inside it, in
 * one call of the store's step runner (one round trip on Redis), and every request ends as it does
 * when the claim goes alone: a replay or a duplicate in progress takes nothing behind the claim, an
 * inner refusal releases the claim, a claim nobody uses is given back, a failed round trip claims
 * nothing and is heard as the claim's failure.
 */
class ClaimWithTheInnerLayersTest {
  record Order(String key, String user) {}

  private final InMemoryBackend memory = InMemoryBackend.create();
  private final Runner runner = new Runner();
  private final IdempotencyStore records = withSteps(IdempotencyStore.class, memory.idempotencyStore());
  private final LockStore lockStore = withSteps(LockStore.class, memory.lockStore());
  private final DistributedLocks locks = DistributedLocks.builder(lockStore).build();
  private final DistributedLocks elsewhere = DistributedLocks.builder(memory.lockStore()).build();
  private final CountingListener heard = new CountingListener();
  private final IdempotencyEngine engine = IdempotencyEngine.builder(records).listener(heard).build();
  private final AtomicInteger runs = new AtomicInteger();

  @AfterEach
  void close() {
    locks.close();
    elsewhere.close();
  }

  /**
   * Runs steps as a backend's runner does, stopping after the first that does not pass, and records
   * the steps of each call that ran (one call = one round trip).
   */
  private static final class Runner implements StepRunner {
    final List<List<String>> calls = new ArrayList<>();
    int failuresLeft;

    @Override
    public List<Object> runInOrder(List<? extends StoreStep<?>> steps) {
      List<String> ran = new ArrayList<>();
      calls.add(ran);
      if (failuresLeft > 0) {
        failuresLeft--;
        throw new StoreUnavailableException("steps", "run steps", new IllegalStateException("read timed out"));
      }
      List<Object> replies = new ArrayList<>();
      for (StoreStep<?> s : steps) {
        ran.add(s.toString());
        if (!runOne(s, replies)) {
          break;
        }
      }
      return replies;
    }

    private static <V> boolean runOne(StoreStep<V> s, List<Object> replies) {
      V reply = s.run();
      replies.add(reply);
      return s.passes(reply);
    }
  }

  private record Step<V>(String name, Supplier<V> call, Predicate<V> passing, StepRunner runner)
      implements StoreStep<V> {
    @Override
    public V run() {
      return call.get();
    }

    @Override
    public boolean passes(V reply) {
      return passing.test(reply);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** The in-memory store, handing out its claim, completion and lock calls as steps of {@link #runner}. */
  @SuppressWarnings("unchecked")
  private <S> S withSteps(Class<S> type, S store) {
    InvocationHandler h = (proxy, method, args) -> {
      switch (method.getName()) {
        case "stepRunner":
          return runner;
        case "claimStep":
          return new Step<ClaimResult>("claim", () -> ((IdempotencyStore) store).claim((String) args[0],
              (String) args[1], (Duration) args[2]), r -> r instanceof ClaimResult.Acquired, runner);
        case "completeStep":
          return new Step<>("complete", () -> ((IdempotencyStore) store).complete((String) args[0], (long) args[1],
              (byte[]) args[2], (Duration) args[3]), r -> true, runner);
        case "tryAcquireStep":
          return new Step<OptionalLong>("acquire lock", () -> ((LockStore) store).tryAcquire((String) args[0],
              (String) args[1], (Duration) args[2]), OptionalLong::isPresent, runner);
        case "releaseStep":
          return new Step<>("release lock", () -> ((LockStore) store).release((String) args[0], (String) args[1]),
              r -> true, runner);
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

  private LayeredDefence<Order, String> defence(CallOptions options, Layer<Order, String> front) {
    LayeredDefence.Builder<Order, String> b = LayeredDefence.builder("orders");
    if (front != null) {
      b.layer(front);
    }
    return b.layer(engine.asLayer(o -> IdempotencyKey.of("orders", o.key()), o -> Fingerprint.none(),
            Codecs.string(), options))
        .layer(locks.asLayer(o -> lockKey(o.user()), LockOptions.builder().lease(Duration.ofSeconds(30)).build()))
        .build();
  }

  private LayeredDefence<Order, String> defence() {
    return defence(CallOptions.DEFAULTS, null);
  }

  private DefenceOutcome<String> submit(LayeredDefence<Order, String> d, String key, String user) {
    return d.execute(new Order(key, user), o -> "order " + runs.incrementAndGet() + " of " + o.user());
  }

  private static IdempotencyKey lockKey(String user) {
    return IdempotencyKey.of("order-lock", user);
  }

  private boolean lockIsFree(String user) {
    return elsewhere.tryLock(lockKey(user), LockOptions.builder().owner("another").build())
        .map(LockHandle::release).orElse(false);
  }

  private Optional<CallRecord> record(String key) {
    return engine.lookup(IdempotencyKey.of("orders", key));
  }

  @Test
  void aNewRequestSendsItsClaimWithTheInnerLockAndTheLocksReleaseWithTheCompletion() {
    DefenceOutcome<String> o = submit(defence(), "k-1", "u1");

    assertThat(o).isInstanceOf(DefenceOutcome.Executed.class);
    assertThat(o.value()).contains("order 1 of u1");
    assertThat(runner.calls).as("two calls: the claim with the lock; the lock's release with the completion")
        .containsExactly(List.of("claim", "acquire lock"), List.of("release lock", "complete"));
    assertThat(lockIsFree("u1")).isTrue();
  }

  @Test
  void aReplayRunsNoStepBehindTheClaimAndIsAnsweredEvenWhileTheLockIsHeldElsewhere() {
    LayeredDefence<Order, String> d = defence();
    submit(d, "k-2", "u2");
    runner.calls.clear();
    try (LockHandle held = elsewhere.tryLock(lockKey("u2"), LockOptions.builder().owner("another").build())
        .orElseThrow()) {
      DefenceOutcome<String> retry = submit(d, "k-2", "u2");

      assertThat(retry).isInstanceOf(DefenceOutcome.Replayed.class);
      assertThat(retry.value()).contains("order 1 of u2");
      assertThat(runner.calls).as("the claim ran, found the record and stopped the call there")
          .containsExactly(List.of("claim"));
    }
    assertThat(runs).hasValue(1);
  }

  @Test
  void aDuplicateInProgressTakesNoLockAndItsLaterClaimSendsTheInnerStepsAgain() {
    // Another owner holds the key for 200 ms and dies: the duplicate waits, then takes the key over.
    records.claim(IdempotencyKey.of("orders", "k-3").storageKey(), Fingerprint.none().value(),
        Duration.ofMillis(200));
    DefenceOutcome<String> rejected = submit(defence(CallOptions.builder().inProgress(InProgressPolicy.reject())
        .build(), null), "k-3", "u3");
    assertThat(rejected).isInstanceOfSatisfying(DefenceOutcome.Stopped.class,
        s -> assertThat(s.reason()).isEqualTo(DefenceOutcome.Reason.IN_PROGRESS));
    assertThat(runner.calls).containsExactly(List.of("claim"));
    assertThat(lockIsFree("u3")).as("no lock taken for a duplicate").isTrue();
    runner.calls.clear();

    DefenceOutcome<String> waited = submit(defence(CallOptions.builder()
        .inProgress(InProgressPolicy.await(Duration.ofSeconds(5))).build(), null), "k-3", "u3");

    assertThat(waited.value()).contains("order 1 of u3");
    assertThat(runner.calls.get(0)).as("the first claim found the key in progress").containsExactly("claim");
    assertThat(runner.calls.get(runner.calls.size() - 1)).containsExactly("release lock", "complete");
    assertThat(lockIsFree("u3")).isTrue();
  }

  @Test
  void anInnerRefusalReleasesTheClaimSoTheRetryRuns() {
    LayeredDefence<Order, String> d = defence();
    try (LockHandle held = elsewhere.tryLock(lockKey("u4"), LockOptions.builder().owner("another").build())
        .orElseThrow()) {
      DefenceOutcome<String> busy = submit(d, "k-4", "u4");
      assertThat(busy).isInstanceOfSatisfying(DefenceOutcome.Stopped.class,
          s -> assertThat(s.layer()).startsWith("lock"));
      assertThat(runner.calls.get(0)).containsExactly("claim", "acquire lock");
    }
    assertThat(record("k-4")).as("the claim was released").isEmpty();

    assertThat(submit(d, "k-4", "u4").value()).contains("order 1 of u4");
  }

  @Test
  void aClaimThatALayerInFrontNeverLetThroughIsGivenBackAtOnce() {
    boolean[] open = {false};
    // A layer whose own step passes but which then stops the request (a form's signature checked after
    // its nonce was used, say): the claim and the lock that ran with it belong to nobody.
    Layer<Order, String> front = new Layer<>() {
      @Override
      public String name() {
        return "front";
      }

      @Override
      public DefenceOutcome<String> apply(Order request, Chain<String> next) throws Exception {
        return open[0] ? next.proceed() : new DefenceOutcome.Stopped<>("front", DefenceOutcome.Reason.TOKEN_NOT_VALID,
            "closed");
      }

      @Override
      public Opening<String> open(Order request) {
        Step<Boolean> step = new Step<>("front", () -> true, r -> true, runner);
        return new Opening<>() {
          @Override
          public StoreStep<?> step() {
            return step;
          }

          @Override
          public DefenceOutcome<String> apply(Object reply, Chain<String> next) throws Exception {
            return open[0] ? next.proceed() : new DefenceOutcome.Stopped<>("front",
                DefenceOutcome.Reason.TOKEN_NOT_VALID, "closed");
          }
        };
      }
    };
    LayeredDefence<Order, String> d = defence(CallOptions.DEFAULTS, front);

    assertThat(submit(d, "k-5", "u5")).isInstanceOf(DefenceOutcome.Stopped.class);
    assertThat(runner.calls.get(0)).containsExactly("front", "claim", "acquire lock");
    assertThat(record("k-5")).as("the claim was given back").isEmpty();
    assertThat(lockIsFree("u5")).as("and the lock").isTrue();

    open[0] = true;
    assertThat(submit(d, "k-5", "u5").value()).contains("order 1 of u5");
  }

  @Test
  void aFailedRoundTripRunsNothingIsHeardAsTheClaimsFailureAndTheRetryRuns() {
    runner.failuresLeft = 1;
    LayeredDefence<Order, String> d = defence();

    assertThatThrownBy(() -> submit(d, "k-6", "u6")).isInstanceOf(StoreUnavailableException.class);
    assertThat(runs).hasValue(0);
    assertThat(heard.count(IdempotencyEvent.STORE_UNAVAILABLE)).isEqualTo(1);
    assertThat(record("k-6")).isEmpty();
    assertThat(lockIsFree("u6")).isTrue();

    assertThat(submit(d, "k-6", "u6").value()).contains("order 1 of u6");
  }

  @Test
  void onAStoreWithoutStepsTheKeyAndFingerprintAreComputedOncePerRequest() {
    IdempotencyEngine plain = IdempotencyEngine.builder(memory.idempotencyStore()).build();
    AtomicInteger keys = new AtomicInteger();
    AtomicInteger fingerprints = new AtomicInteger();
    LayeredDefence<Order, String> d = LayeredDefence.<Order, String>builder("orders")
        .layer(plain.asLayer(o -> {
          keys.incrementAndGet();
          return IdempotencyKey.of("orders", o.key());
        }, o -> {
          fingerprints.incrementAndGet();
          return Fingerprint.sha256(o.user());
        }, Codecs.string()))
        .build();

    assertThat(submit(d, "k-8", "u8").value()).contains("order 1 of u8");
    assertThat(keys).hasValue(1);
    assertThat(fingerprints).hasValue(1);
  }

  @Test
  void aKeyReusedWithAnotherRequestTakesNothingBehindTheClaim() {
    LayeredDefence<Order, String> first = defence();
    submit(first, "k-7", "u7");
    runner.calls.clear();
    LayeredDefence<Order, String> other = LayeredDefence.<Order, String>builder("orders")
        .layer(engine.asLayer(o -> IdempotencyKey.of("orders", o.key()), o -> Fingerprint.sha256("another body"),
            Codecs.string()))
        .layer(locks.asLayer(o -> lockKey(o.user()), LockOptions.builder().build()))
        .build();
    try (LockHandle held = elsewhere.tryLock(lockKey("u7"), LockOptions.builder().owner("another").build())
        .orElseThrow()) {
      assertThat(submit(other, "k-7", "u7")).isInstanceOfSatisfying(DefenceOutcome.Stopped.class,
          s -> assertThat(s.reason()).isEqualTo(DefenceOutcome.Reason.KEY_REUSED));
    }
    assertThat(runner.calls).containsExactly(List.of("claim"));
    assertThat(runs).hasValue(1);
  }
}
