package dev.idempotency.testkit.selftest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.CallOptions;
import dev.idempotency.CountingListener;
import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyEvent;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.InvalidInputException;
import dev.idempotency.Scope;
import dev.idempotency.StoreUnavailableException;
import dev.idempotency.codec.Codecs;
import dev.idempotency.dedup.Deduplicator;
import dev.idempotency.defence.*;
import dev.idempotency.lock.DistributedLocks;
import dev.idempotency.lock.LockOptions;
import dev.idempotency.memory.InMemoryBackend;
import dev.idempotency.ratelimit.RateLimiter;
import dev.idempotency.state.StateMachine;
import dev.idempotency.testkit.Race;
import dev.idempotency.token.OneTimeTokens;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LayeredDefenceTest {
  enum Status { PENDING, PLACED }

  record PlaceOrder(String userId, String requestKey, String formToken, String orderId, String body) {
    IdempotencyKey key() {
      return IdempotencyKey.of("orders", userId, requestKey);
    }
  }

  private final InMemoryBackend backend = InMemoryBackend.create();
  private final UnreachableBackend redisDown = new UnreachableBackend("redis 127.0.0.1:6390");
  private final CountingListener counts = new CountingListener();
  private final DistributedLocks locks = DistributedLocks.builder(backend.lockStore()).build();
  private final DistributedLocks downLocks = DistributedLocks.builder(redisDown.lockStore()).build();
  private final AtomicInteger placed = new AtomicInteger();
  private final List<LayerDecision> decisions = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

  @AfterEach
  void close() {
    locks.close();
    downLocks.close();
  }

  private StateMachine<Status> orders(InMemoryBackend b) {
    return StateMachine.builder(Status.class, b.stateStore("orders"), "orders")
        .allow(Status.PENDING, Status.PLACED).build();
  }

  private LayeredDefence<PlaceOrder, String> fullDefence(OneTimeTokens tokens, DistributedLocks locks,
      IdempotencyEngine engine, Deduplicator dedup, StateMachine<Status> machine, FailurePolicy cachePolicy) {
    return LayeredDefence.<PlaceOrder, String>builder("orders")
        .listener(counts)
        .layerListener(decisions::add)
        .layer(tokens.asLayer(r -> Scope.of("checkout", r.userId()), PlaceOrder::formToken), cachePolicy)
        .layer(locks.asLayer(r -> IdempotencyKey.of("order-lock", r.userId()),
            LockOptions.builder().lease(Duration.ofSeconds(30)).maxWait(Duration.ofSeconds(20)).build()), cachePolicy)
        .layer(engine.asLayer(PlaceOrder::key, r -> Fingerprint.sha256(r.body()), Codecs.string()), cachePolicy)
        .layer(dedup.asLayer(PlaceOrder::key))
        .layer(machine.asLayer(PlaceOrder::orderId, Status.PLACED))
        .build();
  }

  private LayeredDefence<PlaceOrder, String> allInMemory() {
    return fullDefence(OneTimeTokens.builder(backend.tokenStore()).build(), locks,
        IdempotencyEngine.builder(backend.idempotencyStore()).build(),
        Deduplicator.builder(backend.dedupStore()).build(), orders(backend), FailurePolicy.FAIL_CLOSED);
  }

  private String place(PlaceOrder r) {
    return "order-" + r.orderId() + "#" + placed.incrementAndGet();
  }

  @Test
  void eachLayerStopsWhatSlippedPastTheOneBefore() {
    LayeredDefence<PlaceOrder, String> defence = allInMemory();
    OneTimeTokens tokens = OneTimeTokens.builder(backend.tokenStore()).build();
    orders(backend).create("o-1", Status.PENDING);
    String form = tokens.issue(Scope.of("checkout", "alice"));

    PlaceOrder first = new PlaceOrder("alice", "req-1", form, "o-1", "{book}");
    DefenceOutcome<String> executed = defence.execute(first, this::place);
    assertThat(executed).isEqualTo(new DefenceOutcome.Executed<>("order-o-1#1"));

    // A double click re-sends the same form: the token layer stops it.
    DefenceOutcome<String> doubleClick = defence.execute(first, this::place);
    assertThat(doubleClick).isInstanceOfSatisfying(DefenceOutcome.Stopped.class, s -> {
      assertThat(s.layer()).isEqualTo("token");
      assertThat(s.reason()).isEqualTo(DefenceOutcome.Reason.TOKEN_NOT_VALID);
    });

    // A client retry with a fresh form token but the same request key: replayed by the idempotent call.
    PlaceOrder retry = new PlaceOrder("alice", "req-1", tokens.issue(Scope.of("checkout", "alice")), "o-1", "{book}");
    assertThat(defence.execute(retry, this::place))
        .isEqualTo(new DefenceOutcome.Replayed<>("order-o-1#1", "idempotent-call"));

    // The same key for a different request: 422-like.
    PlaceOrder reused = new PlaceOrder("alice", "req-1", tokens.issue(Scope.of("checkout", "alice")), "o-1", "{car}");
    assertThat(defence.execute(reused, this::place)).isInstanceOfSatisfying(DefenceOutcome.Stopped.class,
        s -> assertThat(s.reason()).isEqualTo(DefenceOutcome.Reason.KEY_REUSED));

    // A new request key for an order already placed: the state machine stops it.
    PlaceOrder newKey = new PlaceOrder("alice", "req-2", tokens.issue(Scope.of("checkout", "alice")), "o-1", "{book}");
    assertThat(defence.execute(newKey, this::place)).isInstanceOfSatisfying(DefenceOutcome.Stopped.class, s -> {
      assertThat(s.layer()).isEqualTo("state-machine");
      assertThat(s.reason()).isEqualTo(DefenceOutcome.Reason.DUPLICATE);
    });
    assertThat(placed).hasValue(1);

    // The state machine's stop released the idempotent claim: nothing stays "in progress".
    assertThat(IdempotencyEngine.builder(backend.idempotencyStore()).build()
        .lookup(newKey.key())).isEmpty();
  }

  @Test
  void everyLayersDecisionIsReportedOutermostFirstWithoutAWrapperOfItsOwn() {
    LayeredDefence<PlaceOrder, String> defence = allInMemory();
    OneTimeTokens tokens = OneTimeTokens.builder(backend.tokenStore()).build();
    orders(backend).create("o-9", Status.PENDING);
    PlaceOrder first = new PlaceOrder("erin", "req-1", tokens.issue(Scope.of("checkout", "erin")), "o-9", "{mug}");
    defence.execute(first, this::place);
    assertThat(decisions).extracting(LayerDecision::layer, LayerDecision::kind).containsExactly(
        org.assertj.core.groups.Tuple.tuple("token", LayerDecision.Kind.PASSED),
        org.assertj.core.groups.Tuple.tuple("lock", LayerDecision.Kind.PASSED),
        org.assertj.core.groups.Tuple.tuple("idempotent-call", LayerDecision.Kind.PASSED),
        org.assertj.core.groups.Tuple.tuple("dedup", LayerDecision.Kind.PASSED),
        org.assertj.core.groups.Tuple.tuple("state-machine", LayerDecision.Kind.PASSED));
    assertThat(decisions).allSatisfy(d -> assertThat(d.defence()).isEqualTo("orders"));

    decisions.clear();
    defence.execute(first, this::place);                                 // the same form again
    assertThat(decisions).containsExactly(
        new LayerDecision("orders", "token", LayerDecision.Kind.STOPPED, DefenceOutcome.Reason.TOKEN_NOT_VALID));

    decisions.clear();
    PlaceOrder retry = new PlaceOrder("erin", "req-1", tokens.issue(Scope.of("checkout", "erin")), "o-9", "{mug}");
    defence.execute(retry, this::place);
    assertThat(decisions).extracting(LayerDecision::layer, LayerDecision::kind).containsExactly(
        org.assertj.core.groups.Tuple.tuple("token", LayerDecision.Kind.PASSED),
        org.assertj.core.groups.Tuple.tuple("lock", LayerDecision.Kind.PASSED),
        org.assertj.core.groups.Tuple.tuple("idempotent-call", LayerDecision.Kind.REPLAYED));

    // Stores down: skipped layers on SKIP, a failed one on FAIL_CLOSED.
    decisions.clear();
    InMemoryBackend database = InMemoryBackend.create();
    orders(database).create("o-10", Status.PENDING);
    fullDefence(OneTimeTokens.builder(redisDown.tokenStore()).build(), downLocks,
        IdempotencyEngine.builder(redisDown.idempotencyStore()).build(),
        Deduplicator.builder(database.dedupStore()).build(), orders(database), FailurePolicy.SKIP)
        .execute(new PlaceOrder("erin", "req-3", "t", "o-10", "{cup}"), this::place);
    assertThat(decisions).extracting(LayerDecision::layer, LayerDecision::kind).containsExactly(
        org.assertj.core.groups.Tuple.tuple("token", LayerDecision.Kind.SKIPPED),
        org.assertj.core.groups.Tuple.tuple("lock", LayerDecision.Kind.SKIPPED),
        org.assertj.core.groups.Tuple.tuple("idempotent-call", LayerDecision.Kind.SKIPPED),
        org.assertj.core.groups.Tuple.tuple("dedup", LayerDecision.Kind.PASSED),
        org.assertj.core.groups.Tuple.tuple("state-machine", LayerDecision.Kind.PASSED));

    List<LayerDecision> closed = new java.util.ArrayList<>();
    LayeredDefence<PlaceOrder, String> failClosed = LayeredDefence.<PlaceOrder, String>builder("orders")
        .layerListener(closed::add)
        .layerListener(d -> {
          throw new IllegalStateException("a broken listener changes nothing");
        })
        .layer(IdempotencyEngine.builder(redisDown.idempotencyStore()).build().asLayer(
            PlaceOrder::key, r -> Fingerprint.none(), Codecs.string()))
        .build();
    assertThatThrownBy(() -> failClosed.execute(new PlaceOrder("erin", "r", "t", "o", "b"), this::place))
        .isInstanceOf(StoreUnavailableException.class);
    assertThat(closed).containsExactly(new LayerDecision("orders", "idempotent-call", LayerDecision.Kind.FAILED, null));
  }

  @Test
  void sixtyFourConcurrentSubmissionsPlaceOneOrder() throws Exception {
    LayeredDefence<PlaceOrder, String> defence = allInMemory();
    OneTimeTokens tokens = OneTimeTokens.builder(backend.tokenStore()).build();
    orders(backend).create("o-2", Status.PENDING);
    List<String> forms = new java.util.ArrayList<>();
    for (int i = 0; i < 64; i++) {
      forms.add(tokens.issue(Scope.of("checkout", "bob")));
    }
    List<Race.Outcome<DefenceOutcome<String>>> outcomes = Race.run(64, i -> () ->
        defence.execute(new PlaceOrder("bob", "req-" + (i % 4), forms.get(i), "o-2", "{pen}"), this::place));
    assertThat(outcomes).allSatisfy(o -> assertThat(o.failure()).isNull());
    assertThat(placed).hasValue(1);
    assertThat(outcomes.stream().filter(o -> o.value() instanceof DefenceOutcome.Executed).count()).isEqualTo(1);
  }

  @Test
  void withTheCacheLayersDownOnSkipTheDurableLayersAloneLetExactlyOneOrderThrough() throws Exception {
    InMemoryBackend database = InMemoryBackend.create();
    LayeredDefence<PlaceOrder, String> defence = fullDefence(
        OneTimeTokens.builder(redisDown.tokenStore()).build(), downLocks,
        IdempotencyEngine.builder(redisDown.idempotencyStore()).build(),
        Deduplicator.builder(database.dedupStore()).build(), orders(database), FailurePolicy.SKIP);
    orders(database).create("o-3", Status.PENDING);

    List<Race.Outcome<DefenceOutcome<String>>> outcomes = Race.run(64, i -> () ->
        defence.execute(new PlaceOrder("carol", "req-1", String.format("%032d", i), "o-3", "{lamp}"), this::place));

    assertThat(outcomes).allSatisfy(o -> assertThat(o.failure()).isNull());
    assertThat(placed).hasValue(1);
    assertThat(outcomes.stream().map(Race.Outcome::value).filter(v -> v instanceof DefenceOutcome.Stopped))
        .allSatisfy(v -> assertThat(((DefenceOutcome.Stopped<String>) v).layer()).isEqualTo("dedup"))
        .hasSize(63);
    assertThat(counts.count(IdempotencyEvent.LAYER_SKIPPED)).isEqualTo(64 * 3);
  }

  @Test
  void aFailClosedLayerWithItsStoreDownFailsTheCallAndRunsNothing() {
    LayeredDefence<PlaceOrder, String> defence = LayeredDefence.<PlaceOrder, String>builder("orders")
        .layer(IdempotencyEngine.builder(redisDown.idempotencyStore()).build().asLayer(
            PlaceOrder::key, r -> Fingerprint.none(), Codecs.string()))
        .build();
    assertThatThrownBy(() -> defence.execute(new PlaceOrder("dan", "r", "t", "o", "b"), this::place))
        .isInstanceOfSatisfying(StoreUnavailableException.class, e -> {
          assertThat(e.store()).isEqualTo("redis 127.0.0.1:6390");
          assertThat(e.suggestedHttpStatus()).isEqualTo(503);
          assertThat(e.getMessage()).contains("claim");
        });
    assertThat(placed).hasValue(0);
  }

  @Test
  void actionFailuresPropagateUnchangedAndLeaveNoMarksBehind() {
    Deduplicator dedup = Deduplicator.builder(backend.dedupStore()).build();
    LayeredDefence<PlaceOrder, String> defence = LayeredDefence.<PlaceOrder, String>builder("orders")
        .layer(IdempotencyEngine.builder(backend.idempotencyStore()).build().asLayer(
            PlaceOrder::key, r -> Fingerprint.none(), Codecs.string()))
        .layer(dedup.asLayer(PlaceOrder::key))
        .build();
    PlaceOrder r = new PlaceOrder("erin", "r-1", "t", "o", "b");
    IllegalStateException boom = new IllegalStateException("warehouse down");
    assertThatThrownBy(() -> defence.execute(r, x -> {
      throw boom;
    })).isSameAs(boom);
    assertThat(defence.execute(r, this::place)).isInstanceOf(DefenceOutcome.Executed.class);
  }

  @Test
  void aLockHeldElsewhereStopsTheRequest() {
    LayeredDefence<PlaceOrder, String> defence = LayeredDefence.<PlaceOrder, String>builder("orders")
        .layer(locks.asLayer(r -> IdempotencyKey.of("order-lock", r.userId()), LockOptions.DEFAULTS))
        .build();
    DistributedLocks other = DistributedLocks.builder(backend.lockStore()).build();
    try (var held = other.tryLock(IdempotencyKey.of("order-lock", "fay")).orElseThrow()) {
      DefenceOutcome<String> o = defence.execute(new PlaceOrder("fay", "r", "t", "o", "b"), this::place);
      assertThat(o).isInstanceOfSatisfying(DefenceOutcome.Stopped.class,
          s -> assertThat(s.reason()).isEqualTo(DefenceOutcome.Reason.LOCKED));
    }
    assertThat(defence.execute(new PlaceOrder("fay", "r", "t", "o", "b"), this::place))
        .isInstanceOf(DefenceOutcome.Executed.class);
  }

  @Test
  void anInnerStopIsNotKeptByTheIdempotentCallSoTheSameKeysRetryRunsTheLayersAgain() {
    IdempotencyEngine engine = IdempotencyEngine.builder(backend.idempotencyStore()).build();
    LayeredDefence<PlaceOrder, String> defence = LayeredDefence.<PlaceOrder, String>builder("orders")
        .layer(engine.asLayer(PlaceOrder::key, r -> Fingerprint.sha256(r.body()), Codecs.string()))
        .layer(locks.asLayer(r -> IdempotencyKey.of("order-lock", r.userId()), LockOptions.DEFAULTS))
        .build();
    PlaceOrder request = new PlaceOrder("gil", "key-g", "t", "o", "b");
    DistributedLocks other = DistributedLocks.builder(backend.lockStore()).build();
    try (var held = other.tryLock(IdempotencyKey.of("order-lock", "gil")).orElseThrow()) {
      assertThat(defence.execute(request, this::place)).isInstanceOfSatisfying(DefenceOutcome.Stopped.class,
          s -> assertThat(s.layer()).isEqualTo("lock"));
    }
    assertThat(engine.lookup(request.key())).as("the stop released the claim").isEmpty();
    DefenceOutcome<String> retry = defence.execute(request, this::place);
    assertThat(retry).isInstanceOf(DefenceOutcome.Executed.class);
    assertThat(defence.execute(request, this::place)).isInstanceOfSatisfying(DefenceOutcome.Replayed.class,
        r -> assertThat(r.result()).isEqualTo(retry.value().orElseThrow()));
    assertThat(placed).hasValue(1);
  }

  @Test
  void aTokenIsGivenBackWhenTheInnerLayersStopOrThrowSoTheRetryOfTheSameRequestPasses() {
    OneTimeTokens tokens = OneTimeTokens.builder(backend.tokenStore()).build();
    LayeredDefence<PlaceOrder, String> defence = LayeredDefence.<PlaceOrder, String>builder("orders")
        .layer(tokens.asLayer(r -> Scope.of("checkout", r.userId()), PlaceOrder::formToken))
        .layer(locks.asLayer(r -> IdempotencyKey.of("order-lock", r.userId()), LockOptions.DEFAULTS))
        .build();
    PlaceOrder r = new PlaceOrder("gus", "r-1", tokens.issue(Scope.of("checkout", "gus")), "o", "b");
    assertThatThrownBy(() -> defence.execute(r, x -> {
      throw new IllegalStateException("warehouse down");
    })).isInstanceOf(IllegalStateException.class);
    DistributedLocks other = DistributedLocks.builder(backend.lockStore()).build();
    try (var held = other.tryLock(IdempotencyKey.of("order-lock", "gus")).orElseThrow()) {
      assertThat(defence.execute(r, this::place)).isInstanceOfSatisfying(DefenceOutcome.Stopped.class,
          s -> assertThat(s.reason()).isEqualTo(DefenceOutcome.Reason.LOCKED));
    }
    assertThat(defence.execute(r, this::place)).isInstanceOf(DefenceOutcome.Executed.class);
    assertThat(defence.execute(r, this::place)).isInstanceOfSatisfying(DefenceOutcome.Stopped.class,
        s -> assertThat(s.reason()).isEqualTo(DefenceOutcome.Reason.TOKEN_NOT_VALID));
    assertThat(placed).hasValue(1);
    assertThatThrownBy(() -> tokens.restore(Scope.of("checkout", "gus"), "not a token"))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void theLockLayerHandsItsFencingTokenToTheRequestAndEachHolderGetsAGreaterOne() {
    List<Long> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    LayeredDefence<PlaceOrder, String> defence = LayeredDefence.<PlaceOrder, String>builder("orders")
        .layer(locks.asLayer(r -> IdempotencyKey.of("order-lock", r.userId()), LockOptions.DEFAULTS,
            (r, token) -> seen.add(token.value())))
        .build();
    for (int i = 0; i < 3; i++) {
      defence.execute(new PlaceOrder("hal", "r-" + i, "t", "o", "b"), this::place);
    }
    assertThat(seen).hasSize(3).isSorted().doesNotHaveDuplicates();
    IllegalStateException refused = new IllegalStateException("fence refused");
    LayeredDefence<PlaceOrder, String> failing = LayeredDefence.<PlaceOrder, String>builder("orders")
        .layer(locks.asLayer(r -> IdempotencyKey.of("order-lock", r.userId()), LockOptions.DEFAULTS,
            (r, token) -> { throw refused; }))
        .build();
    assertThatThrownBy(() -> failing.execute(new PlaceOrder("hal", "r", "t", "o", "b"), this::place)).isSameAs(refused);
    assertThat(defence.execute(new PlaceOrder("hal", "r", "t", "o", "b"), this::place))
        .as("the lock was released after the callback threw").isInstanceOf(DefenceOutcome.Executed.class);
  }

  @Test
  void configurationErrorsAreTyped() {
    assertThatThrownBy(() -> LayeredDefence.<String, String>builder("orders").build())
        .isInstanceOf(InvalidInputException.class);
    Layer<String, String> a = Deduplicator.builder(backend.dedupStore()).build().asLayer(s -> IdempotencyKey.of("x", s));
    assertThatThrownBy(() -> LayeredDefence.<String, String>builder("orders").layer(a).layer(a))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> LayeredDefence.<String, String>builder("bad name")).isInstanceOf(InvalidInputException.class);
    IdempotencyEngine engine = IdempotencyEngine.builder(backend.idempotencyStore()).build();
    assertThatThrownBy(() -> engine.asLayer(null, s -> null, Codecs.string(), CallOptions.DEFAULTS))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> engine.asLayer(s -> null, s -> null, Codecs.string(), null))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> RateLimiter.builder(backend.rateLimitStore(), "x").limit(1, Duration.ofSeconds(1))
        .build().asLayer(null)).isInstanceOf(InvalidInputException.class);
  }
}
