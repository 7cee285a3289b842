package dev.idempotency.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.CountingListener;
import dev.idempotency.IdempotencyEvent;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.InvalidInputException;
import dev.idempotency.lock.DistributedLocks;
import dev.idempotency.lock.LockHandle;
import dev.idempotency.lock.LockOptions;
import dev.idempotency.spi.LockStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of the fenced lock (docs/contract.md, section 4), run by every backend: extend it and
 * implement {@link #newClient()} and {@link #advance}.
 */
public abstract class LockContract extends ContractSupport {

  /** For subclasses: a backend's fixture or test class. */
  protected LockContract() {}
  private static final LockOptions HOLD = LockOptions.builder().lease(LONG).build();

  private final List<DistributedLocks> opened = new ArrayList<>();

  /**
   * A new, independent client of the backend under test, sharing its data.
   *
   * @return the client (by default, one of {@link #fixture()})
   */
  protected LockStore newClient() {
    return fixture().newClient().lockStore();
  }

  private DistributedLocks locks() {
    return locks(newClient(), new CountingListener());
  }

  private DistributedLocks locks(LockStore store, CountingListener listener) {
    DistributedLocks l = DistributedLocks.builder(store).listener(listener).build();
    opened.add(l);
    return l;
  }

  @AfterEach
  void closeLocks() {
    opened.forEach(DistributedLocks::close);
  }

  private IdempotencyKey key(String name) {
    return IdempotencyKey.of(ns, name);
  }

  @Test
  void heldLockExcludesOtherOwnersUntilReleased() {
    DistributedLocks a = locks();
    DistributedLocks b = locks();
    LockHandle held = a.tryLock(key("l"), HOLD).orElseThrow();
    assertThat(b.tryLock(key("l"), HOLD)).isEmpty();
    assertThat(held.release()).isTrue();
    assertThat(held.release()).isFalse();
    Optional<LockHandle> next = b.tryLock(key("l"), HOLD);
    assertThat(next).isPresent();
    assertThat(next.get().fencingToken()).isGreaterThan(held.fencingToken());
    next.get().close();
  }

  @Test
  void sixtyFourThreadsAreMutuallyExcludedWithStrictlyIncreasingFencingTokens() throws Exception {
    List<DistributedLocks> clients = List.of(locks(), locks(), locks(), locks());
    LockOptions wait = LockOptions.builder().lease(LONG).maxWait(Duration.ofSeconds(40)).build();
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger maxInside = new AtomicInteger();
    List<Long> tokens = Collections.synchronizedList(new ArrayList<>());
    List<Race.Outcome<Boolean>> outcomes = Race.run(64, i -> () -> {
      try (LockHandle h = clients.get(i % 4).tryLock(key("mutex"), wait).orElseThrow()) {
        int now = inside.incrementAndGet();
        maxInside.accumulateAndGet(now, Math::max);
        tokens.add(h.fencingToken().value());
        Thread.sleep(1);
        inside.decrementAndGet();
      }
      return true;
    });
    assertThat(outcomes).allSatisfy(o -> assertThat(o.failure()).isNull());
    assertThat(maxInside).hasValue(1);
    assertThat(tokens).hasSize(64);
    for (int i = 1; i < tokens.size(); i++) {
      assertThat(tokens.get(i)).isGreaterThan(tokens.get(i - 1));
    }
  }

  @Test
  void notAcquiredWithinTheWaitReturnsEmptyNotAnException() {
    CountingListener counts = new CountingListener();
    LockHandle held = locks().tryLock(key("busy"), HOLD).orElseThrow();
    long start = System.nanoTime();
    Optional<LockHandle> none = locks(newClient(), counts).tryLock(key("busy"),
        LockOptions.builder().lease(LONG).maxWait(Duration.ofMillis(300)).build());
    Duration waited = Duration.ofNanos(System.nanoTime() - start);
    assertThat(none).isEmpty();
    assertThat(waited).isBetween(Duration.ofMillis(290), Duration.ofSeconds(5));
    assertThat(counts.count(IdempotencyEvent.LOCK_CONTENDED)).isEqualTo(1);
    held.close();
  }

  @Test
  void boundedWaitAcquiresOnceTheHolderReleases() throws Exception {
    LockHandle held = locks().tryLock(key("handoff"), HOLD).orElseThrow();
    DistributedLocks other = locks();
    Future<Optional<LockHandle>> waiter = inBackground(() -> other.tryLock(key("handoff"),
        LockOptions.builder().lease(LONG).maxWait(Duration.ofSeconds(10)).build()));
    Thread.sleep(100);
    held.release();
    Optional<LockHandle> got = waiter.get(10, TimeUnit.SECONDS);
    assertThat(got).isPresent();
    got.get().close();
  }

  @Test
  void releaseAfterTheLeaseExpiredAndAnotherOwnerTookTheLockChangesNothing() throws Exception {
    LockHandle stale = locks().tryLock(key("exp"), LockOptions.builder().lease(SHORT).build()).orElseThrow();
    advance(PAST_SHORT);
    LockHandle fresh = locks().tryLock(key("exp"), HOLD).orElseThrow();
    assertThat(fresh.fencingToken()).isGreaterThan(stale.fencingToken());

    assertThat(stale.extend(LONG)).isFalse();
    assertThat(stale.release()).isFalse();
    assertThat(locks().tryLock(key("exp"), HOLD)).isEmpty();
    assertThat(fresh.release()).isTrue();
  }

  @Test
  void onlyTheOwnerReleasesOrExtends() {
    LockStore store = newClient();
    String storageKey = key("owner").storageKey();
    OptionalLong token = store.tryAcquire(storageKey, "owner-a", LONG);
    assertThat(token).isPresent();
    assertThat(store.tryAcquire(storageKey, "owner-b", LONG)).isEmpty();
    assertThat(store.release(storageKey, "owner-b")).isFalse();
    assertThat(store.extend(storageKey, "owner-b", LONG)).isFalse();
    assertThat(store.tryAcquire(storageKey, "owner-b", LONG)).isEmpty();
    assertThat(store.release(storageKey, "owner-a")).isTrue();
    assertThat(store.tryAcquire(storageKey, "owner-b", LONG)).isPresent();
  }

  @Test
  void theSameOwnerReentersAndTheLockIsFreeOnlyAfterEveryHoldIsReleased() {
    DistributedLocks locks = locks();
    LockHandle outer = locks.tryLock(key("re"), HOLD).orElseThrow();
    LockHandle inner = locks.tryLock(key("re"), HOLD).orElseThrow();
    assertThat(inner.fencingToken()).isEqualTo(outer.fencingToken());

    assertThat(inner.release()).isTrue();
    assertThat(locks().tryLock(key("re"), HOLD)).isEmpty();
    assertThat(outer.release()).isTrue();
    Optional<LockHandle> other = locks().tryLock(key("re"), HOLD);
    assertThat(other).isPresent();
    other.get().close();
  }

  @Test
  void anExplicitOwnerReentersFromAnotherThread() throws Exception {
    LockOptions job = LockOptions.builder().lease(LONG).owner("job-42").build();
    DistributedLocks locks = locks();
    LockHandle first = locks.tryLock(key("job"), job).orElseThrow();
    Optional<LockHandle> second = inBackground(() -> locks().tryLock(key("job"), job)).get(10, TimeUnit.SECONDS);
    assertThat(second).isPresent();
    assertThat(inBackground(() -> locks.tryLock(key("job"), HOLD)).get(10, TimeUnit.SECONDS)).isEmpty();
    second.get().close();
    first.close();
  }

  @Test
  void extendingKeepsTheLockPastItsOriginalLease() throws Exception {
    LockHandle h = locks().tryLock(key("ext"), LockOptions.builder().lease(SHORT).build()).orElseThrow();
    advance(SHORT.multipliedBy(2).dividedBy(3));
    assertThat(h.extend(SHORT)).isTrue();
    advance(SHORT.multipliedBy(2).dividedBy(3));
    assertThat(locks().tryLock(key("ext"), HOLD)).isEmpty();
    advance(PAST_SHORT);
    assertThat(h.extend(SHORT)).isFalse();
    assertThat(locks().tryLock(key("ext"), HOLD)).isPresent();
  }

  @Test
  void watchdogRenewsTheLeaseWhileTheOwnerWorks() throws Exception {
    CountingStore counting = new CountingStore(newClient());
    DistributedLocks locks = locks(counting, new CountingListener());
    LockHandle h = locks.tryLock(key("dog"), LockOptions.builder().lease(SHORT).watchdog(null).build()).orElseThrow();
    for (int round = 0; round < 4; round++) {
      int before = counting.extends_.get();
      awaitCondition("a watchdog renewal", () -> counting.extends_.get() > before);
      advance(SHORT.multipliedBy(3).dividedBy(5));
    }
    assertThat(h.isLost()).isFalse();
    assertThat(locks().tryLock(key("dog"), HOLD)).isEmpty();
    assertThat(h.release()).isTrue();
  }

  @Test
  void watchdogReportsARenewalThatFailed() throws Exception {
    CountingListener counts = new CountingListener();
    LockStore store = newClient();
    DistributedLocks locks = locks(store, counts);
    CountDownLatch reported = new CountDownLatch(1);
    LockHandle h = locks.tryLock(key("lost"),
        LockOptions.builder().lease(SHORT).watchdog(handle -> reported.countDown()).build()).orElseThrow();
    // The lock is taken away behind the owner's back (an operator, a failover that lost the key).
    assertThat(store.release(key("lost").storageKey(), h.owner())).isTrue();
    LockHandle thief = locks().tryLock(key("lost"), HOLD).orElseThrow();

    assertThat(reported.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(h.isLost()).isTrue();
    assertThat(counts.count(IdempotencyEvent.LOCK_RENEWAL_FAILED)).isEqualTo(1);
    assertThat(h.release()).isFalse();
    assertThat(locks().tryLock(key("lost"), HOLD)).isEmpty();
    thief.close();
  }

  @Test
  void badInputIsATypedErrorAndAcquiresNothing() {
    DistributedLocks locks = locks();
    assertThatThrownBy(() -> locks.tryLock(null, HOLD)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> locks.tryLock(key("bad"), null)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> LockOptions.builder().lease(Duration.ZERO)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> LockOptions.builder().maxWait(Duration.ofMillis(-1))).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> LockOptions.builder().owner("bad\nowner")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> LockOptions.builder().owner(" ")).isInstanceOf(InvalidInputException.class);
    LockHandle h = locks().tryLock(key("bad"), HOLD).orElseThrow();
    assertThatThrownBy(() -> h.extend(Duration.ZERO)).isInstanceOf(InvalidInputException.class);
    assertThat(locks().tryLock(key("bad"), HOLD)).isEmpty();
    h.close();
  }

  /** Counts renewals reaching the store; delegates everything. */
  private static final class CountingStore implements LockStore {
    private final LockStore delegate;
    private final AtomicInteger extends_ = new AtomicInteger();

    CountingStore(LockStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public OptionalLong tryAcquire(String key, String owner, Duration lease) {
      return delegate.tryAcquire(key, owner, lease);
    }

    @Override
    public boolean release(String key, String owner) {
      return delegate.release(key, owner);
    }

    @Override
    public boolean extend(String key, String owner, Duration lease) {
      boolean r = delegate.extend(key, owner, lease);
      extends_.incrementAndGet();
      return r;
    }
  }
}
