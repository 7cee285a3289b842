package dev.idempotency.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.CallOptions;
import dev.idempotency.CallRecord;
import dev.idempotency.CallResult;
import dev.idempotency.ClaimLostException;
import dev.idempotency.CountingListener;
import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyEvent;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.InProgressPolicy;
import dev.idempotency.InvalidInputException;
import dev.idempotency.KeyReusedException;
import dev.idempotency.ReplayedFailureException;
import dev.idempotency.RequestInProgressException;
import dev.idempotency.codec.Codecs;
import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.IdempotencyStore;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

// Size: one test per rule of the idempotent call in docs/contract.md (replay, races, waiters,
// release, terminal failures, leases, takeovers, retention, bad input); each is read alone.
/**
 * The contract of the idempotent call (docs/contract.md, section 1), run by every backend: extend it and
 * implement {@link #newClient()} and {@link #advance}.
 *
 * <p>Concurrency is at its heart: many threads and several independent clients on one key, and the
 * action runs exactly once.
 */
public abstract class IdempotentCallContract extends ContractSupport {

  /** For subclasses: a backend's fixture or test class. */
  protected IdempotentCallContract() {}
  private static final Fingerprint FP = Fingerprint.sha256("{\"item\":\"book\",\"qty\":1}");
  private static final Fingerprint OTHER_FP = Fingerprint.sha256("{\"item\":\"book\",\"qty\":2}");

  /** Options under which nothing expires during a test. */
  protected static final CallOptions STABLE = CallOptions.builder().lease(LONG)
      .retention(Duration.ofMinutes(10)).build();

  /**
   * A new, independent client of the backend under test (its own connection or pool), sharing the
   * backend's data with every other client, as two service instances would.
   *
   * @return the client (by default, one of {@link #fixture()})
   */
  protected IdempotencyStore newClient() {
    return fixture().newClient().idempotencyStore();
  }

  private IdempotencyEngine engine() {
    return IdempotencyEngine.builder(newClient()).defaults(STABLE).build();
  }

  private IdempotencyKey key(String value) {
    return IdempotencyKey.of(ns, value);
  }

  // ---- first call and replay -------------------------------------------------------------

  @Test
  void firstCallRunsTheActionOnceAndReturnsItsResult() {
    AtomicInteger runs = new AtomicInteger();
    CallResult<String> r = engine().execute(key("a"), FP, Codecs.string(), c -> "order-" + runs.incrementAndGet());
    assertThat(r.value()).isEqualTo("order-1");
    assertThat(r.replayed()).isFalse();
    assertThat(runs).hasValue(1);
    assertThat(engine().lookup(key("a"))).get().extracting(CallRecord::status)
        .isEqualTo(CallRecord.Status.COMPLETED);
  }

  @Test
  void duplicateAfterCompletionReplaysTheStoredResultWithoutRunning() {
    CountingListener counts = new CountingListener();
    IdempotencyEngine engine = IdempotencyEngine.builder(newClient()).defaults(STABLE).listener(counts).build();
    AtomicInteger runs = new AtomicInteger();
    CallResult<String> first = engine.execute(key("a"), FP, Codecs.string(), c -> "order-" + runs.incrementAndGet());
    CallResult<String> second = engine.execute(key("a"), FP, Codecs.string(), c -> "order-" + runs.incrementAndGet());
    CallResult<String> third = engine().execute(key("a"), FP, Codecs.string(), c -> "order-" + runs.incrementAndGet());

    assertThat(runs).hasValue(1);
    assertThat(second.value()).isEqualTo("order-1");
    assertThat(second.replayed()).isTrue();
    assertThat(second.fencingToken()).isEqualTo(first.fencingToken());
    assertThat(third.value()).isEqualTo("order-1");
    assertThat(third.replayed()).isTrue();
    assertThat(counts.count(IdempotencyEvent.EXECUTED)).isEqualTo(1);
    assertThat(counts.count(IdempotencyEvent.REPLAYED)).isEqualTo(1);
  }

  @Test
  void nullResultIsStoredAndReplayedAsNull() {
    AtomicInteger runs = new AtomicInteger();
    engine().execute(key("n"), FP, Codecs.string(), c -> {
      runs.incrementAndGet();
      return null;
    });
    CallResult<String> replay = engine().execute(key("n"), FP, Codecs.string(), c -> "not null");
    assertThat(replay.replayed()).isTrue();
    assertThat(replay.value()).isNull();
    assertThat(runs).hasValue(1);
  }

  @Test
  void binaryAndLargeResultsRoundTripExactly() {
    byte[] every = new byte[256];
    for (int i = 0; i < 256; i++) {
      every[i] = (byte) i;
    }
    byte[] large = new byte[512 * 1024];
    new java.util.Random(7).nextBytes(large);
    engine().execute(key("bin"), FP, Codecs.bytes(), c -> every);
    engine().execute(key("large"), FP, Codecs.bytes(), c -> large);
    assertThat(engine().execute(key("bin"), FP, Codecs.bytes(), c -> new byte[0]).value()).isEqualTo(every);
    assertThat(engine().execute(key("large"), FP, Codecs.bytes(), c -> new byte[0]).value()).isEqualTo(large);
  }

  @Test
  void unicodeAndMaximumLengthKeysWork() {
    IdempotencyKey unicode = IdempotencyKey.of(ns, "Zoë:ключ/🔑{tag}", "κλειδί-🔑");
    IdempotencyKey longest = IdempotencyKey.of(ns, ":".repeat(128), "k".repeat(IdempotencyKey.MAX_VALUE_LENGTH));
    for (IdempotencyKey k : List.of(unicode, longest)) {
      AtomicInteger runs = new AtomicInteger();
      engine().execute(k, FP, Codecs.string(), c -> "v" + runs.incrementAndGet());
      CallResult<String> replay = engine().execute(k, FP, Codecs.string(), c -> "v" + runs.incrementAndGet());
      assertThat(replay.value()).isEqualTo("v1");
      assertThat(runs).hasValue(1);
    }
  }

  /** A second user's identical key neither waits for, nor is refused by, nor replays the first user's call. */
  @Test
  void anotherPrincipalsIdenticalKeyNeitherBlocksNorReplaysTheFirstUsers() throws Exception {
    IdempotencyKey alice = IdempotencyKey.of(ns, "alice", "order-1");
    IdempotencyKey bob = IdempotencyKey.of(ns, "bob", "order-1");
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    Future<CallResult<String>> first = inBackground(() -> engine().execute(alice, FP, Codecs.string(), c -> {
      inside.countDown();
      finish.await();
      return "alice's order";
    }));
    assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
    CallResult<String> other = engine().execute(bob, Fingerprint.sha256("bob's body"), Codecs.string(), c -> "bob's order");
    assertThat(other.replayed()).isFalse();
    assertThat(other.value()).isEqualTo("bob's order");
    finish.countDown();
    assertThat(first.get(10, TimeUnit.SECONDS).value()).isEqualTo("alice's order");
    assertThat(engine().execute(alice, FP, Codecs.string(), c -> "x").value()).isEqualTo("alice's order");
    assertThat(engine().execute(bob, Fingerprint.sha256("bob's body"), Codecs.string(), c -> "x").value())
        .isEqualTo("bob's order");
  }

  @Test
  void keysInDifferentNamespacesAndPrincipalsNeverShareRecords() {
    AtomicInteger runs = new AtomicInteger();
    List<IdempotencyKey> keys = List.of(IdempotencyKey.of(ns, "same"), IdempotencyKey.of(ns + "x", "same"),
        IdempotencyKey.of(ns, "alice", "same"), IdempotencyKey.of(ns, "bob", "same"),
        // principal "a:b" with key "c" must not collide with principal "a" and key "b:c"
        IdempotencyKey.of(ns, "a:b", "c"), IdempotencyKey.of(ns, "a", "b:c"));
    for (IdempotencyKey k : keys) {
      assertThat(engine().execute(k, FP, Codecs.string(), c -> "r" + runs.incrementAndGet()).replayed()).isFalse();
    }
    assertThat(runs).hasValue(keys.size());
  }

  // ---- concurrency --------------------------------------------------------------------------

  @Test
  void sixtyFourThreadsOnOneKeyRunTheActionExactlyOnce() throws Exception {
    IdempotencyEngine engine = engine();
    AtomicInteger runs = new AtomicInteger();
    List<Race.Outcome<CallResult<String>>> outcomes = Race.run(64, i -> () ->
        engine.execute(key("race"), FP, Codecs.string(), c -> {
          runs.incrementAndGet();
          Thread.sleep(20);
          return "the-order";
        }));

    assertThat(runs).hasValue(1);
    long fresh = 0;
    for (Race.Outcome<CallResult<String>> o : outcomes) {
      if (o.succeeded()) {
        assertThat(o.value().value()).isEqualTo("the-order");
        fresh += o.value().replayed() ? 0 : 1;
      } else {
        assertThat(o.failure()).isInstanceOf(RequestInProgressException.class);
      }
    }
    assertThat(fresh).isEqualTo(1);
  }

  @Test
  void sixtyFourAwaitingThreadsAllReceiveTheFirstCallsResult() throws Exception {
    IdempotencyEngine engine = engine();
    CallOptions await = STABLE.toBuilder().inProgress(InProgressPolicy.await(Duration.ofSeconds(20))).build();
    AtomicInteger runs = new AtomicInteger();
    List<Race.Outcome<CallResult<String>>> outcomes = Race.run(64, i -> () ->
        engine.execute(key("await-race"), FP, Codecs.string(), await, c -> {
          runs.incrementAndGet();
          Thread.sleep(100);
          return "the-order";
        }));

    assertThat(runs).hasValue(1);
    assertThat(outcomes).allSatisfy(o -> {
      assertThat(o.failure()).isNull();
      assertThat(o.value().value()).isEqualTo("the-order");
    });
    assertThat(outcomes.stream().filter(o -> !o.value().replayed()).count()).isEqualTo(1);
  }

  @Test
  void fiveHundredWaitersInTheOwnersProcessAreWokenByItAndReadTheStoreOnceEach() throws Exception {
    CountingStore store = new CountingStore(newClient());
    IdempotencyEngine engine = IdempotencyEngine.builder(store).defaults(STABLE).build();
    CallOptions await = STABLE.toBuilder().inProgress(InProgressPolicy.await(Duration.ofSeconds(30))).build();
    AtomicInteger runs = new AtomicInteger();
    AtomicLong completedAt = new AtomicLong();
    long[] resolvedAt = new long[500];
    List<Race.Outcome<CallResult<String>>> outcomes = Race.run(500, i -> () -> {
      CallResult<String> r = engine.execute(key("storm"), FP, Codecs.string(), await, c -> {
        runs.incrementAndGet();
        // Long enough for every waiter to be waiting, and for polling waiters to poll several times.
        Thread.sleep(600);
        completedAt.set(System.nanoTime());
        return "the-order";
      });
      resolvedAt[i] = System.nanoTime();
      return r;
    });

    assertThat(runs).hasValue(1);
    assertThat(outcomes).allSatisfy(o -> {
      assertThat(o.failure()).isNull();
      assertThat(o.value().value()).isEqualTo("the-order");
    });
    assertThat(outcomes.stream().filter(o -> !o.value().replayed()).count()).isEqualTo(1);
    // Each waiter's claim found the call in progress; the owner woke it with the stored outcome.
    // A polling waiter would claim every 5 to 100 ms for the 600 ms: several times each.
    assertThat(store.claims.get()).as("claims by 500 callers").isLessThanOrEqualTo(2 * 500);
    assertThat(store.finds.get()).isZero();
    long last = java.util.Arrays.stream(resolvedAt).max().orElseThrow();
    System.out.printf(java.util.Locale.ROOT, "PERF | %s | 500 waiters woken in-process | %d claims | last waiter "
        + "resolved %.1f ms after the completion%n", store.name(), store.claims.get(),
        (last - completedAt.get()) / 1e6);
  }

  @Test
  void waitersInOneProcessForAnOwnerElsewhereLetOnePollAndTheOthersReadTheStoreOnceEach() throws Exception {
    IdempotencyEngine owner = engine();
    CountingStore store = new CountingStore(newClient());
    IdempotencyEngine waiters = IdempotencyEngine.builder(store).defaults(STABLE).build();
    CallOptions await = STABLE.toBuilder().inProgress(InProgressPolicy.await(Duration.ofSeconds(30))).build();
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    Future<CallResult<String>> first = inBackground(() -> owner.execute(key("elsewhere"), FP, Codecs.string(), c -> {
      inside.countDown();
      finish.await();
      return "the-order";
    }));
    assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
    AtomicInteger runs = new AtomicInteger();
    Future<List<Race.Outcome<CallResult<String>>>> storm = inBackground(() -> Race.run(200, i -> () ->
        waiters.execute(key("elsewhere"), FP, Codecs.string(), await, c -> "run-" + runs.incrementAndGet())));
    // Long enough for polling waiters to poll several times each (every 5 to 100 ms).
    Thread.sleep(700);
    finish.countDown();

    assertThat(first.get(10, TimeUnit.SECONDS).value()).isEqualTo("the-order");
    assertThat(storm.get(30, TimeUnit.SECONDS)).allSatisfy(o -> {
      assertThat(o.failure()).isNull();
      assertThat(o.value().value()).isEqualTo("the-order");
      assertThat(o.value().replayed()).isTrue();
    });
    assertThat(runs).hasValue(0);
    // Each waiter's claim, a few more while the first keeper takes over the watch, and the keeper's polls.
    assertThat(store.claims.get()).as("claims by 200 waiters").isLessThanOrEqualTo(2 * 200);
  }

  @Test
  void aWaiterWokenByItsOwnersReleaseClaimsAgainAndRunsTheAction() throws Exception {
    CountingStore store = new CountingStore(newClient());
    IdempotencyEngine engine = IdempotencyEngine.builder(store).defaults(STABLE).build();
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch fail = new CountDownLatch(1);
    Future<CallResult<String>> first = inBackground(() -> engine.execute(key("woken"), FP, Codecs.string(), c -> {
      inside.countDown();
      fail.await();
      throw new IllegalStateException("transient");
    }));
    assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
    CallOptions await = STABLE.toBuilder().inProgress(InProgressPolicy.await(Duration.ofSeconds(10))).build();
    Future<CallResult<String>> waiter = inBackground(() ->
        engine.execute(key("woken"), FP, Codecs.string(), await, c -> "second"));
    while (store.claims.get() < 2) {
      Thread.sleep(5);
    }
    Thread.sleep(300);
    int claimsWhileWaiting = store.claims.get();
    fail.countDown();
    CallResult<String> r = waiter.get(10, TimeUnit.SECONDS);
    assertThat(r.value()).isEqualTo("second");
    assertThat(r.replayed()).isFalse();
    assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
    // The waiter did not poll while the owner ran (the owner's claim and its own first one), and
    // claimed once more when woken.
    assertThat(claimsWhileWaiting).isLessThanOrEqualTo(3);
    assertThat(store.claims.get()).isLessThanOrEqualTo(claimsWhileWaiting + 1);
  }

  /** Counts the claims and reads a store is asked for. */
  private static final class CountingStore implements IdempotencyStore {
    private final IdempotencyStore store;
    private final AtomicInteger claims = new AtomicInteger();
    private final AtomicInteger finds = new AtomicInteger();

    CountingStore(IdempotencyStore store) {
      this.store = store;
    }

    @Override
    public String name() {
      return store.name();
    }

    @Override
    public ClaimResult claim(String key, String fingerprint, Duration lease) {
      claims.incrementAndGet();
      return store.claim(key, fingerprint, lease);
    }

    @Override
    public boolean complete(String key, long fencingToken, byte[] payload, Duration retention) {
      return store.complete(key, fencingToken, payload, retention);
    }

    @Override
    public boolean release(String key, long fencingToken) {
      return store.release(key, fencingToken);
    }

    @Override
    public java.util.Optional<dev.idempotency.spi.StoredRecord> find(String key) {
      finds.incrementAndGet();
      return store.find(key);
    }

    @Override
    public int maxPayloadBytes() {
      return store.maxPayloadBytes();
    }
  }

  @Test
  void severalIndependentClientsOnOneKeyRunTheActionExactlyOnce() throws Exception {
    List<IdempotencyEngine> clients = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      clients.add(engine());
    }
    CallOptions await = STABLE.toBuilder().inProgress(InProgressPolicy.await(Duration.ofSeconds(20))).build();
    AtomicInteger runs = new AtomicInteger();
    List<Race.Outcome<CallResult<String>>> outcomes = Race.run(64, i -> () ->
        clients.get(i % clients.size()).execute(key("clients"), FP, Codecs.string(), await, c -> {
          runs.incrementAndGet();
          Thread.sleep(50);
          return "once";
        }));
    assertThat(runs).hasValue(1);
    assertThat(outcomes).allSatisfy(o -> assertThat(o.value().value()).isEqualTo("once"));
  }

  @Test
  void manyKeysRacingAtOnceEachRunExactlyOnce() throws Exception {
    IdempotencyEngine engine = engine();
    AtomicInteger[] runs = new AtomicInteger[8];
    for (int i = 0; i < runs.length; i++) {
      runs[i] = new AtomicInteger();
    }
    CallOptions await = STABLE.toBuilder().inProgress(InProgressPolicy.await(Duration.ofSeconds(20))).build();
    List<Race.Outcome<CallResult<Integer>>> outcomes = Race.run(64, i -> () ->
        engine.execute(key("multi-" + (i % 8)), FP, Codecs.integers(), await, c -> {
          runs[i % 8].incrementAndGet();
          return i % 8;
        }));
    for (AtomicInteger r : runs) {
      assertThat(r).hasValue(1);
    }
    for (int i = 0; i < outcomes.size(); i++) {
      assertThat(outcomes.get(i).value().value()).isEqualTo(i % 8);
    }
  }

  // ---- in progress --------------------------------------------------------------------------

  @Test
  void duplicateWhileTheFirstRunsIsRejectedFastWithATypedError() throws Exception {
    IdempotencyEngine engine = engine();
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    Future<CallResult<String>> first = inBackground(() -> engine.execute(key("busy"), FP, Codecs.string(), c -> {
      inside.countDown();
      finish.await();
      return "first";
    }));
    assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

    long start = System.nanoTime();
    assertThatThrownBy(() -> engine().execute(key("busy"), FP, Codecs.string(), c -> "second"))
        .isInstanceOfSatisfying(RequestInProgressException.class, e -> {
          assertThat(e.suggestedHttpStatus()).isEqualTo(409);
          assertThat(e.key()).isEqualTo(key("busy"));
        });
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    finish.countDown();
    assertThat(first.get(10, TimeUnit.SECONDS).value()).isEqualTo("first");
  }

  @Test
  void boundedWaitEndsWithInProgressWhenTheFirstCallOutlastsIt() throws Exception {
    IdempotencyEngine engine = engine();
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    Future<CallResult<String>> first = inBackground(() -> engine.execute(key("slow"), FP, Codecs.string(), c -> {
      inside.countDown();
      finish.await();
      return "first";
    }));
    assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

    CallOptions await = STABLE.toBuilder().inProgress(InProgressPolicy.await(Duration.ofMillis(300))).build();
    long start = System.nanoTime();
    assertThatThrownBy(() -> engine().execute(key("slow"), FP, Codecs.string(), await, c -> "second"))
        .isInstanceOf(RequestInProgressException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(290), Duration.ofSeconds(5));
    finish.countDown();
    first.get(10, TimeUnit.SECONDS);
  }

  @Test
  void waiterRunsTheActionItselfWhenTheFirstCallFailsAndReleases() throws Exception {
    IdempotencyEngine engine = engine();
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch fail = new CountDownLatch(1);
    Future<CallResult<String>> first = inBackground(() -> engine.execute(key("flaky"), FP, Codecs.string(), c -> {
      inside.countDown();
      fail.await();
      throw new IllegalStateException("transient");
    }));
    assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
    CallOptions await = STABLE.toBuilder().inProgress(InProgressPolicy.await(Duration.ofSeconds(10))).build();
    Future<CallResult<String>> waiter = inBackground(() ->
        engine().execute(key("flaky"), FP, Codecs.string(), await, c -> "second"));
    Thread.sleep(50);
    fail.countDown();
    CallResult<String> r = waiter.get(10, TimeUnit.SECONDS);
    assertThat(r.value()).isEqualTo("second");
    assertThat(r.replayed()).isFalse();
    assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
  }

  // ---- fingerprints -------------------------------------------------------------------------

  @Test
  void sameKeyWithAnotherFingerprintIsRejectedAndNothingRuns() {
    AtomicInteger runs = new AtomicInteger();
    engine().execute(key("fp"), FP, Codecs.string(), c -> "r" + runs.incrementAndGet());
    assertThatThrownBy(() -> engine().execute(key("fp"), OTHER_FP, Codecs.string(), c -> "r" + runs.incrementAndGet()))
        .isInstanceOfSatisfying(KeyReusedException.class, e -> assertThat(e.suggestedHttpStatus()).isEqualTo(422));
    assertThatThrownBy(() -> engine().execute(key("fp"), Fingerprint.none(), Codecs.string(), c -> "x"))
        .isInstanceOf(KeyReusedException.class);
    assertThat(runs).hasValue(1);
    assertThat(engine().execute(key("fp"), FP, Codecs.string(), c -> "x").value()).isEqualTo("r1");
  }

  @Test
  void sameKeyWithAnotherFingerprintWhileInProgressIsRejectedAsReuse() throws Exception {
    IdempotencyEngine engine = engine();
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    Future<CallResult<String>> first = inBackground(() -> engine.execute(key("fp2"), FP, Codecs.string(), c -> {
      inside.countDown();
      finish.await();
      return "first";
    }));
    assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(() -> engine().execute(key("fp2"), OTHER_FP, Codecs.string(), c -> "second"))
        .isInstanceOf(KeyReusedException.class);
    finish.countDown();
    first.get(10, TimeUnit.SECONDS);
  }

  // ---- failures -----------------------------------------------------------------------------

  @Test
  void failureReleasesTheClaimLeavingNothingBehindSoThatARetryRuns() {
    AtomicInteger runs = new AtomicInteger();
    IllegalStateException boom = new IllegalStateException("payment gateway timeout");
    assertThatThrownBy(() -> engine().execute(key("retry"), FP, Codecs.string(), c -> {
      runs.incrementAndGet();
      throw boom;
    })).isSameAs(boom);
    assertThat(engine().lookup(key("retry"))).isEmpty();

    CallResult<String> retry = engine().execute(key("retry"), FP, Codecs.string(), c -> "ok-" + runs.incrementAndGet());
    assertThat(retry.value()).isEqualTo("ok-2");
    assertThat(retry.replayed()).isFalse();
  }

  @Test
  void aResultTheCallerDoesNotKeepIsAnsweredOnceAndTheNextAttemptRunsAgain() {
    CountingListener counts = new CountingListener();
    IdempotencyEngine engine = IdempotencyEngine.builder(newClient()).defaults(STABLE).listener(counts).build();
    AtomicInteger runs = new AtomicInteger();
    java.util.function.Predicate<String> keepUnlessUnavailable = r -> !r.startsWith("503");

    CallResult<String> first = engine.execute(key("unkept"), FP, Codecs.string(), STABLE,
        c -> (runs.incrementAndGet() == 1 ? "503 try later" : "201 order-") + runs.get(), keepUnlessUnavailable);
    assertThat(first.value()).isEqualTo("503 try later1");
    assertThat(first.replayed()).isFalse();
    assertThat(engine().lookup(key("unkept"))).as("nothing kept, nothing held").isEmpty();
    assertThat(counts.count(IdempotencyEvent.RELEASED_UNKEPT)).isEqualTo(1);

    CallResult<String> retry = engine.execute(key("unkept"), FP, Codecs.string(), STABLE,
        c -> (runs.incrementAndGet() == 1 ? "503 try later" : "201 order-") + runs.get(), keepUnlessUnavailable);
    CallResult<String> replay = engine().execute(key("unkept"), FP, Codecs.string(), c -> "never");
    assertThat(retry.value()).isEqualTo("201 order-2");
    assertThat(replay.replayed()).isTrue();
    assertThat(replay.value()).isEqualTo("201 order-2");
    assertThat(runs).hasValue(2);
  }

  @Test
  void anUnkeptAsynchronousResultReleasesItsClaimAndAThrowingKeepCountsAsAFailure() throws Exception {
    IdempotencyEngine engine = engine();
    CallResult<String> unkept = engine.executeAsync(key("async-unkept"), FP, Codecs.string(), STABLE,
        c -> java.util.concurrent.CompletableFuture.completedFuture("503"), r -> false).get(10, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(unkept.value()).isEqualTo("503");
    assertThat(engine.lookup(key("async-unkept"))).isEmpty();

    IllegalStateException broken = new IllegalStateException("keep failed");
    assertThatThrownBy(() -> engine.execute(key("keep-throws"), FP, Codecs.string(), STABLE, c -> "x", r -> {
      throw broken;
    })).isSameAs(broken);
    assertThat(engine.lookup(key("keep-throws"))).as("released as after any failure").isEmpty();
    assertThatThrownBy(() -> engine.execute(key("keep-null"), FP, Codecs.string(), STABLE, c -> "x", null))
        .isInstanceOf(InvalidInputException.class);
    assertThat(engine.lookup(key("keep-null"))).isEmpty();
  }

  @Test
  void checkedExceptionsPropagateUnchanged() {
    IOException io = new IOException("disk full");
    assertThatThrownBy(() -> engine().execute(key("io"), FP, Codecs.string(), c -> {
      throw io;
    })).isSameAs(io);
  }

  /** A terminal failure a test declares; public with a String constructor so it can be re-created. */
  public static final class PaymentDeclinedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates it.
     *
     * @param message the reason
     */
    public PaymentDeclinedException(String message) {
      super(message);
    }
  }

  /** A terminal failure that cannot be re-created (no public String constructor). */
  /** A declared terminal supertype; its subtypes are replayed as themselves when they can be re-created. */
  public abstract static class DomainFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the failure.
     *
     * @param message the message
     */
    protected DomainFailure(String message) {
      super(message);
    }
  }

  /** A terminal subtype that cannot be re-created (no public constructor): replayed opaquely. */
  public static final class OpaqueFailure extends DomainFailure {
    private static final long serialVersionUID = 1L;

    OpaqueFailure(int code) {
      super("code " + code);
    }
  }

  @Test
  void terminalFailureIsStoredAndReplayedAsTheSameTypeWithoutRunning() {
    CallOptions terminal = STABLE.toBuilder().terminalOn(PaymentDeclinedException.class).build();
    AtomicInteger runs = new AtomicInteger();
    assertThatThrownBy(() -> engine().execute(key("declined"), FP, Codecs.string(), terminal, c -> {
      runs.incrementAndGet();
      throw new PaymentDeclinedException("card declined: insufficient funds");
    })).isInstanceOf(PaymentDeclinedException.class);

    assertThatThrownBy(() -> engine().execute(key("declined"), FP, Codecs.string(), terminal, c -> {
      runs.incrementAndGet();
      return "charged";
    })).isInstanceOf(PaymentDeclinedException.class).hasMessage("card declined: insufficient funds");
    assertThat(runs).hasValue(1);
  }

  @Test
  void terminalSubtypeIsReplayedAsItsOwnTypeAndOpaqueOnesAsReplayedFailure() {
    CallOptions terminal = STABLE.toBuilder().terminalOn(IllegalArgumentException.class, DomainFailure.class).build();
    assertThatThrownBy(() -> engine().execute(key("nfe"), FP, Codecs.string(), terminal, c -> {
      throw new NumberFormatException("not a number: x");
    })).isInstanceOf(NumberFormatException.class);
    assertThatThrownBy(() -> engine().execute(key("nfe"), FP, Codecs.string(), terminal, c -> "never"))
        .isExactlyInstanceOf(NumberFormatException.class).hasMessage("not a number: x");

    assertThatThrownBy(() -> engine().execute(key("opaque"), FP, Codecs.string(), terminal, c -> {
      throw new OpaqueFailure(42);
    })).isInstanceOf(OpaqueFailure.class);
    assertThatThrownBy(() -> engine().execute(key("opaque"), FP, Codecs.string(), terminal, c -> "never"))
        .isInstanceOfSatisfying(ReplayedFailureException.class, e -> {
          assertThat(e.originalType()).isEqualTo(OpaqueFailure.class.getName());
          assertThat(e.originalMessage()).isEqualTo("code 42");
        });
  }

  // ---- leases, takeover, fencing ------------------------------------------------------------

  @Test
  void ownerThatDiesAfterClaimingIsTakenOverAfterTheLeaseAndItsLateCompletionRefused() throws Exception {
    IdempotencyStore deadOwner = newClient();
    String storageKey = key("dead").storageKey();
    ClaimResult claim = deadOwner.claim(storageKey, FP.value(), SHORT);
    assertThat(claim).isInstanceOf(ClaimResult.Acquired.class);
    long deadToken = ((ClaimResult.Acquired) claim).fencingToken();

    assertThatThrownBy(() -> engine().execute(key("dead"), FP, Codecs.string(), c -> "too early"))
        .isInstanceOf(RequestInProgressException.class);

    advance(PAST_SHORT);
    AtomicLong newToken = new AtomicLong();
    CallResult<String> r = engine().execute(key("dead"), FP, Codecs.string(), c -> {
      newToken.set(c.fencingToken().value());
      return "new owner";
    });
    assertThat(r.value()).isEqualTo("new owner");
    assertThat(newToken.get()).isGreaterThan(deadToken);

    assertThat(deadOwner.complete(storageKey, deadToken, new byte[] {1, 'x'}, LONG)).isFalse();
    assertThat(deadOwner.release(storageKey, deadToken)).isFalse();
    assertThat(engine().execute(key("dead"), FP, Codecs.string(), c -> "x").value()).isEqualTo("new owner");
  }

  @Test
  void exactlyOneOfManyCallersTakesOverAnExpiredClaim() throws Exception {
    newClient().claim(key("takeover").storageKey(), FP.value(), SHORT);
    advance(PAST_SHORT);
    IdempotencyEngine engine = engine();
    AtomicInteger runs = new AtomicInteger();
    Race.run(64, i -> () -> engine.execute(key("takeover"), FP, Codecs.string(), c -> {
      runs.incrementAndGet();
      Thread.sleep(20);
      return "taken over";
    }));
    assertThat(runs).hasValue(1);
  }

  @Test
  void lateCompletionOfAnExpiredOwnerIsRefusedAndNeverOverwritesTheNewOwner() throws Exception {
    CallOptions shortLease = STABLE.toBuilder().lease(SHORT).build();
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    AtomicLong oldToken = new AtomicLong();
    Future<CallResult<String>> slow = inBackground(() -> engine().execute(key("late"), FP, Codecs.string(), shortLease, c -> {
      oldToken.set(c.fencingToken().value());
      inside.countDown();
      finish.await();
      return "stale result";
    }));
    assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
    advance(PAST_SHORT);

    CallResult<String> winner = engine().execute(key("late"), FP, Codecs.string(), shortLease, c -> "fresh result");
    assertThat(winner.fencingToken().value()).isGreaterThan(oldToken.get());
    finish.countDown();
    assertThatThrownBy(() -> slow.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(ClaimLostException.class);

    CallResult<String> replay = engine().execute(key("late"), FP, Codecs.string(), c -> "x");
    assertThat(replay.value()).isEqualTo("fresh result");
    assertThat(replay.fencingToken()).isEqualTo(winner.fencingToken());
  }

  /**
   * The late-completion rule (contract section 1), the same on every backend: the owner completes
   * or releases only within its lease. After it has run out the completion is refused even when
   * nobody has taken over, because from the lease's end another caller may be running the action.
   */
  @Test
  void aCompletionAfterTheLeaseIsRefusedEvenWhenNobodyTookOver() throws Exception {
    IdempotencyStore owner = newClient();
    String storageKey = key("late-alone").storageKey();
    long token = ((ClaimResult.Acquired) owner.claim(storageKey, FP.value(), SHORT)).fencingToken();
    advance(PAST_SHORT);

    assertThat(owner.complete(storageKey, token, new byte[] {1, 'x'}, LONG)).isFalse();
    assertThat(owner.release(storageKey, token)).isFalse();
    assertThat(owner.find(storageKey)).isEmpty();
    AtomicLong next = new AtomicLong();
    assertThat(engine().execute(key("late-alone"), FP, Codecs.string(), c -> {
      next.set(c.fencingToken().value());
      return "next caller";
    }).value()).isEqualTo("next caller");
    assertThat(next.get()).isGreaterThan(token);
  }

  /**
   * A completion retried after its first attempt landed but the reply was lost (a timeout, a
   * connection killed at commit) is confirmed, not taken for a lost claim. Found by the Redis soak
   * with the server paused: such callers were told {@code ClaimLostException} though their result
   * was stored.
   */
  @Test
  void aCompletionRepeatedAfterItLandedIsConfirmedAndChangesNothing() {
    IdempotencyStore owner = newClient();
    String storageKey = key("repeat-complete").storageKey();
    long token = ((ClaimResult.Acquired) owner.claim(storageKey, FP.value(), LONG)).fencingToken();
    assertThat(owner.complete(storageKey, token, new byte[] {1, 'a'}, LONG)).isTrue();
    assertThat(newClient().complete(storageKey, token, new byte[] {1, 'b'}, LONG)).isTrue();
    assertThat(owner.find(storageKey).orElseThrow().payload()).containsExactly(1, 'a');
    assertThat(owner.complete(storageKey, token + 1, new byte[] {1, 'c'}, LONG)).isFalse();
    assertThat(owner.release(storageKey, token)).isFalse();
    assertThat(owner.find(storageKey)).isPresent();
  }

  @Test
  void anActionThatOutlastsItsLeaseAloneEndsInClaimLostAndTheNextCallRunsIt() throws Exception {
    CallOptions shortLease = STABLE.toBuilder().lease(SHORT).build();
    AtomicInteger runs = new AtomicInteger();
    assertThatThrownBy(() -> engine().execute(key("outlast"), FP, Codecs.string(), shortLease, c -> {
      runs.incrementAndGet();
      advance(PAST_SHORT);
      return "too late";
    })).isInstanceOf(ClaimLostException.class);
    assertThat(engine().execute(key("outlast"), FP, Codecs.string(), c -> {
      runs.incrementAndGet();
      return "on time";
    }).value()).isEqualTo("on time");
    assertThat(runs).hasValue(2);
  }

  @Test
  void fencingTokenGrowsAcrossReleaseAndReclaim() {
    AtomicLong first = new AtomicLong();
    assertThatThrownBy(() -> engine().execute(key("fence"), FP, Codecs.string(), c -> {
      first.set(c.fencingToken().value());
      throw new IllegalStateException("fail once");
    })).isInstanceOf(IllegalStateException.class);
    CallResult<String> second = engine().execute(key("fence"), FP, Codecs.string(), c -> "ok");
    assertThat(second.fencingToken().value()).isGreaterThan(first.get());
  }

  // ---- retention ----------------------------------------------------------------------------

  @Test
  void resultIsReplayedWithinTheRetentionAndForgottenAfterIt() throws Exception {
    CallOptions shortRetention = STABLE.toBuilder().retention(SHORT).build();
    AtomicInteger runs = new AtomicInteger();
    engine().execute(key("ret"), FP, Codecs.string(), shortRetention, c -> "r" + runs.incrementAndGet());
    advance(SHORT.dividedBy(3));
    assertThat(engine().execute(key("ret"), FP, Codecs.string(), shortRetention, c -> "r" + runs.incrementAndGet())
        .replayed()).isTrue();
    advance(PAST_SHORT);
    assertThat(engine().lookup(key("ret"))).isEmpty();
    CallResult<String> again = engine().execute(key("ret"), FP, Codecs.string(), shortRetention, c -> "r" + runs.incrementAndGet());
    assertThat(again.replayed()).isFalse();
    assertThat(again.value()).isEqualTo("r2");
  }

  // ---- bad input ----------------------------------------------------------------------------

  @Test
  void badKeysAreTypedErrorsAtConstruction() {
    List<Runnable> bad = List.of(
        () -> IdempotencyKey.of(ns, null),
        () -> IdempotencyKey.of(ns, ""),
        () -> IdempotencyKey.of(ns, "   "),
        () -> IdempotencyKey.of(ns, "k".repeat(IdempotencyKey.MAX_VALUE_LENGTH + 1)),
        () -> IdempotencyKey.of(ns, "line\nbreak"),
        () -> IdempotencyKey.of(ns, "nul\u0000byte"),
        () -> IdempotencyKey.of(ns, "del\u007f"),
        () -> IdempotencyKey.of(ns, "lone\ud800surrogate"),
        () -> IdempotencyKey.of(null, "k"),
        () -> IdempotencyKey.of("has:colon", "k"),
        () -> IdempotencyKey.of("has space", "k"),
        () -> IdempotencyKey.of("n".repeat(65), "k"),
        () -> IdempotencyKey.of(ns, "\t", "k"),
        () -> IdempotencyKey.of(ns, "p".repeat(129), "k"));
    for (Runnable r : bad) {
      assertThatThrownBy(r::run).isInstanceOfSatisfying(InvalidInputException.class,
          e -> assertThat(e.suggestedHttpStatus()).isEqualTo(400));
    }
  }

  @Test
  void badCallArgumentsAreTypedErrorsAndWriteNothing() {
    IdempotencyEngine engine = engine();
    AtomicInteger runs = new AtomicInteger();
    IdempotencyKey k = key("bad-args");
    assertThatThrownBy(() -> engine.execute(null, FP, Codecs.string(), c -> "x")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> engine.execute(k, null, Codecs.string(), c -> "x")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> engine.execute(k, FP, null, c -> "x")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> engine.execute(k, FP, Codecs.string(), null, c -> "x")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> engine.execute(k, FP, Codecs.string(), null)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> CallOptions.builder().lease(Duration.ZERO)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> CallOptions.builder().lease(Duration.ofSeconds(-1))).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> CallOptions.builder().retention(Duration.ZERO)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> CallOptions.builder().retention(null)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> InProgressPolicy.await(Duration.ZERO)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> new CallOptions(Duration.ofSeconds(-5), LONG, InProgressPolicy.reject(), List.of(), 1024))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Fingerprint.of("not-hex")).isInstanceOf(InvalidInputException.class);
    assertThat(runs).hasValue(0);
    assertThat(engine.lookup(k)).isEmpty();
  }
}
