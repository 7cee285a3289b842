package dev.idempotency.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.CallOptions;
import dev.idempotency.FencingToken;
import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.codec.Codecs;
import dev.idempotency.lock.DistributedLocks;
import dev.idempotency.lock.LockHandle;
import dev.idempotency.lock.LockOptions;
import dev.idempotency.spi.Backend;
import dev.idempotency.state.StateMachine;
import dev.idempotency.state.TransitionResult;
import dev.idempotency.testkit.StateMachineContract.OrderState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fencing-token contract of a backend ({@link FencingToken}): tokens grow per key through
 * takeovers, and grow across keys, stores and clients of one backend, so that a lock's token and a
 * claim's token fence the same entity. Run by every backend through {@link BackendContract}.
 */
public abstract class FencingContract extends ContractSupport {

  /** For subclasses: a backend's fixture or test class. */
  protected FencingContract() {}


  private IdempotencyKey key(String name) {
    return IdempotencyKey.of(ns, name);
  }

  private FencingToken claimToken(Backend client, String name) {
    return IdempotencyEngine.builder(client.idempotencyStore()).build()
        .execute(key(name), Fingerprint.none(), Codecs.string(), CallOptions.DEFAULTS, claim -> "ok")
        .fencingToken();
  }

  private FencingToken lockToken(Backend client, String name) {
    try (DistributedLocks locks = DistributedLocks.builder(client.lockStore()).build();
        LockHandle lock = locks.tryLock(key(name)).orElseThrow()) {
      return lock.fencingToken();
    }
  }

  @Test
  void tokensIssuedOneAfterAnotherGrowAcrossKeysStoresAndClients() {
    Backend a = fixture().newClient();
    Backend b = fixture().newClient();
    List<FencingToken> issued = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      issued.add(lockToken(a, "lock-" + i));
      issued.add(claimToken(b, "call-" + i));
      issued.add(claimToken(a, "other-call-" + i));
      issued.add(lockToken(b, "other-lock-" + i));
    }
    for (int i = 1; i < issued.size(); i++) {
      assertThat(issued.get(i).isNewerThan(issued.get(i - 1)))
          .as("token %d (%s) after token %d (%s)", i, issued.get(i), i - 1, issued.get(i - 1)).isTrue();
    }
  }

  @Test
  void aLockTokenAndAClaimTokenFenceTheSameEntity() {
    Backend client = fixture().newClient();
    StateMachine<OrderState> orders = StateMachine.builder(OrderState.class, client.stateStore("orders"), "orders")
        .allow(OrderState.NEW, OrderState.PAID)
        .allow(OrderState.NEW, OrderState.CANCELLED)
        .allow(OrderState.PAID, OrderState.SHIPPED)
        .build();
    String order = ns + "-order";
    assertThat(orders.create(order, OrderState.NEW)).isTrue();

    // An older lock holder, then a newer claim: the claim writes, the lock holder is fenced off.
    FencingToken lock = lockToken(client, "order-lock");
    FencingToken claim = claimToken(client, "pay-request");
    assertThat(claim.isNewerThan(lock)).isTrue();
    assertThat(orders.transition(order, OrderState.PAID, claim).outcome()).isEqualTo(TransitionResult.Outcome.APPLIED);
    assertThat(orders.transition(order, OrderState.CANCELLED, lock).outcome())
        .isEqualTo(TransitionResult.Outcome.FENCED);

    // A newer lock holder writes after the claim.
    FencingToken newer = lockToken(client, "order-lock");
    assertThat(orders.transition(order, OrderState.SHIPPED, newer).outcome())
        .isEqualTo(TransitionResult.Outcome.APPLIED);
  }

  @Test
  void aTakeoverAfterAnExpiredLeaseGetsAGreaterTokenThanTheLostOwner() throws Exception {
    Backend first = fixture().newClient();
    Backend second = fixture().newClient();
    DistributedLocks firstLocks = DistributedLocks.builder(first.lockStore()).build();
    DistributedLocks secondLocks = DistributedLocks.builder(second.lockStore()).build();
    LockHandle lost = firstLocks.tryLock(key("expiring"), LockOptions.builder().lease(SHORT).build()).orElseThrow();
    advance(PAST_SHORT);
    try (LockHandle taken = secondLocks.tryLock(key("expiring")).orElseThrow()) {
      assertThat(taken.fencingToken().isNewerThan(lost.fencingToken())).isTrue();
      assertThat(lost.release()).isFalse();
    } finally {
      firstLocks.close();
      secondLocks.close();
    }
  }

  /**
   * A lease shorter than the action: the owner whose claim lapsed is taken over by a second owner
   * with a greater token; the second owner's fenced write lands, and the first owner's fenced write
   * and its completion are both refused, so the entity and the stored result are the second's.
   */
  @Test
  void anOwnerWhoseLeaseLapsedHasItsFencedWriteAndItsCompletionRefused() throws Exception {
    Backend client = fixture().newClient();
    StateMachine<OrderState> orders = StateMachine.builder(OrderState.class, client.stateStore("orders"), "orders")
        .allow(OrderState.NEW, OrderState.PAID).allow(OrderState.PAID, OrderState.CANCELLED).build();
    String id = "lapsed-" + ns;
    orders.create(id, OrderState.NEW);
    IdempotencyEngine engine = IdempotencyEngine.builder(client.idempotencyStore()).build();
    CallOptions shortLease = CallOptions.builder().lease(SHORT).build();
    java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch resume = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicReference<TransitionResult<OrderState>> lateWrite =
        new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.Future<Object> first = inBackground(() -> engine.execute(key("lapsed"), Fingerprint.none(),
        Codecs.string(), shortLease, claim -> {
          inside.countDown();
          resume.await();
          lateWrite.set(orders.transition(id, OrderState.CANCELLED, claim.fencingToken()));
          return "first";
        }));
    assertThat(inside.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    advance(PAST_SHORT);
    // The second owner's lease is not what this test is about: a long one, so that a slow machine
    // cannot lapse it too.
    CallOptions longLease = CallOptions.builder().lease(LONG).build();
    FencingToken secondToken = engine.execute(key("lapsed"), Fingerprint.none(), Codecs.string(), longLease, claim -> {
      assertThat(orders.transition(id, OrderState.PAID, claim.fencingToken()).outcome())
          .isEqualTo(TransitionResult.Outcome.APPLIED);
      return "second";
    }).fencingToken();
    resume.countDown();
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> first.get(10, java.util.concurrent.TimeUnit.SECONDS)))
        .hasCauseInstanceOf(dev.idempotency.ClaimLostException.class);
    assertThat(lateWrite.get().outcome()).as("the lapsed owner's fenced write").isEqualTo(TransitionResult.Outcome.FENCED);
    assertThat(orders.current(id).orElseThrow().current()).isEqualTo(OrderState.PAID);
    assertThat(engine.execute(key("lapsed"), Fingerprint.none(), Codecs.string(), c -> "third").value()).isEqualTo("second");
    assertThat(secondToken.value()).isPositive();
  }

  @Test
  void aFencingTokenIsNeverNegative() {
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> FencingToken.of(-1)))
        .isInstanceOf(dev.idempotency.InvalidInputException.class);
    assertThat(lockToken(fixture().newClient(), "positive").value()).isPositive();
    assertThat(claimToken(fixture().newClient(), "positive").value()).isPositive();
  }

  /** Lets time pass through the fixture. */
}
