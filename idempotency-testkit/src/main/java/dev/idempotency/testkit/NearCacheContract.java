package dev.idempotency.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.CallOptions;
import dev.idempotency.CallResult;
import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.InvalidInputException;
import dev.idempotency.KeyReusedException;
import dev.idempotency.RequestInProgressException;
import dev.idempotency.StoreUnavailableException;
import dev.idempotency.cache.NearCache;
import dev.idempotency.codec.Codecs;
import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.StoredRecord;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The contract of the near cache of completed results (docs/contract.md, section 13), run in front
 * of every backend's idempotency store: extend it and implement {@link #newClient()}. Round trips
 * are counted by a decorator between the cache and the store; the cache's own time is a
 * {@link ManualTime}, since its expiry is the application's.
 */
public abstract class NearCacheContract extends ContractSupport {

  /** For subclasses: a backend's fixture or test class. */
  protected NearCacheContract() {}

  private static final Fingerprint FP = Fingerprint.sha256("{\"item\":\"book\",\"qty\":1}");
  private static final Fingerprint OTHER_FP = Fingerprint.sha256("{\"item\":\"book\",\"qty\":2}");
  private static final CallOptions STABLE = CallOptions.builder().lease(LONG).retention(Duration.ofMinutes(10)).build();

  private final ManualTime cacheTime = new ManualTime();

  /**
   * A new, independent client of the backend under test, sharing its data.
   *
   * @return the client (by default, one of {@link #fixture()})
   */
  protected IdempotencyStore newClient() {
    return fixture().newClient().idempotencyStore();
  }

  @Override
  protected void advance(Duration d) {
    cacheTime.advance(d);
  }

  /** Counts the round trips that reach the store, and can make it fail as a downed server does. */
  static class Counting implements IdempotencyStore {
    final IdempotencyStore store;
    final AtomicInteger trips = new AtomicInteger();
    final AtomicBoolean down = new AtomicBoolean();

    Counting(IdempotencyStore store) {
      this.store = store;
    }

    private void trip() {
      trips.incrementAndGet();
      if (down.get()) {
        throw new IllegalStateException("driver: connection refused", new ConnectException("refused"));
      }
    }

    @Override
    public String name() {
      return store.name();
    }

    @Override
    public ClaimResult claim(String key, String fingerprint, Duration lease) {
      trip();
      return store.claim(key, fingerprint, lease);
    }

    @Override
    public boolean complete(String key, long fencingToken, byte[] payload, Duration retention) {
      trip();
      return store.complete(key, fencingToken, payload, retention);
    }

    @Override
    public boolean release(String key, long fencingToken) {
      trip();
      return store.release(key, fencingToken);
    }

    @Override
    public Optional<StoredRecord> find(String key) {
      trip();
      return store.find(key);
    }

    @Override
    public int maxPayloadBytes() {
      return store.maxPayloadBytes();
    }
  }

  private NearCache near(Counting counting) {
    return NearCache.builder(counting).timeSource(cacheTime).ttl(Duration.ofMinutes(5)).build();
  }

  private static IdempotencyEngine engine(IdempotencyStore store) {
    return IdempotencyEngine.builder(store).defaults(STABLE).build();
  }

  private IdempotencyKey key(String value) {
    return IdempotencyKey.of(ns, value);
  }

  @Test
  void aReplayOfAResultThisInstanceCompletedMakesNoRoundTrip() {
    Counting counting = new Counting(newClient());
    NearCache near = near(counting);
    IdempotencyEngine engine = engine(near);
    AtomicInteger runs = new AtomicInteger();
    CallResult<String> first = engine.execute(key("a"), FP, Codecs.string(), c -> "order-" + runs.incrementAndGet());
    assertThat(first.replayed()).isFalse();
    assertThat(counting.trips).hasValue(2);
    for (int i = 0; i < 100; i++) {
      CallResult<String> replay = engine.execute(key("a"), FP, Codecs.string(), c -> "order-" + runs.incrementAndGet());
      assertThat(replay.replayed()).isTrue();
      assertThat(replay.value()).isEqualTo("order-1");
    }
    assertThat(counting.trips).hasValue(2);
    assertThat(runs).hasValue(1);
    assertThat(near.hits()).isEqualTo(100);
  }

  @Test
  void aKeyReusedWithAnotherPayloadIsStillRefusedFromTheCache() {
    Counting counting = new Counting(newClient());
    IdempotencyEngine engine = engine(near(counting));
    engine.execute(key("reuse"), FP, Codecs.string(), c -> "first");
    int before = counting.trips.get();
    assertThatThrownBy(() -> engine.execute(key("reuse"), OTHER_FP, Codecs.string(), c -> "second"))
        .isInstanceOf(KeyReusedException.class);
    assertThat(counting.trips).hasValue(before);
  }

  @Test
  void aClaimInProgressIsNeverCached() throws Exception {
    Counting counting = new Counting(newClient());
    IdempotencyEngine engine = engine(near(counting));
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    Future<CallResult<String>> first = inBackground(() -> engine.execute(key("busy"), FP, Codecs.string(), c -> {
      running.countDown();
      finish.await(10, TimeUnit.SECONDS);
      return "done";
    }));
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 3; i++) {
      int before = counting.trips.get();
      assertThatThrownBy(() -> engine.execute(key("busy"), FP, Codecs.string(), c -> "dup"))
          .isInstanceOf(RequestInProgressException.class);
      assertThat(counting.trips.get()).isEqualTo(before + 1);
    }
    finish.countDown();
    assertThat(first.get(10, TimeUnit.SECONDS).value()).isEqualTo("done");
    int before = counting.trips.get();
    assertThat(engine.execute(key("busy"), FP, Codecs.string(), c -> "dup").value()).isEqualTo("done");
    assertThat(counting.trips).hasValue(before);
  }

  @Test
  void aResultCompletedElsewhereIsCachedAfterOneRoundTrip() {
    engine(newClient()).execute(key("elsewhere"), FP, Codecs.string(), c -> "from-instance-1");
    Counting counting = new Counting(newClient());
    IdempotencyEngine engine = engine(near(counting));
    assertThat(engine.execute(key("elsewhere"), FP, Codecs.string(), c -> "again").value()).isEqualTo("from-instance-1");
    assertThat(counting.trips).hasValue(1);
    assertThat(engine.execute(key("elsewhere"), FP, Codecs.string(), c -> "again").value()).isEqualTo("from-instance-1");
    assertThat(engine.lookup(key("elsewhere"))).isPresent();
    assertThat(counting.trips).hasValue(1);
  }

  @Test
  void anEntryNeverOutlivesTheRetentionOfTheResult() {
    Counting counting = new Counting(newClient());
    IdempotencyEngine engine = engine(near(counting));
    CallOptions shortRetention = CallOptions.builder().lease(LONG).retention(Duration.ofSeconds(30)).build();
    engine.execute(key("retained"), FP, Codecs.string(), shortRetention, c -> "v");
    engine.execute(key("retained"), FP, Codecs.string(), shortRetention, c -> "v");
    assertThat(counting.trips).hasValue(2);
    advance(Duration.ofSeconds(31));
    // The cache forgot it; the store (whose clock did not move) still answers.
    engine.execute(key("retained"), FP, Codecs.string(), shortRetention, c -> "v");
    assertThat(counting.trips).hasValue(3);
    advance(Duration.ofMinutes(6));
    engine.execute(key("retained"), FP, Codecs.string(), shortRetention, c -> "v");
    assertThat(counting.trips).hasValue(4);
  }

  @Test
  void withTheStoreDownCompletedResultsStillReplayFromTheCache() {
    Counting counting = new Counting(newClient());
    IdempotencyEngine engine = engine(near(counting));
    engine.execute(key("kept"), FP, Codecs.string(), c -> "paid");
    counting.down.set(true);
    CallResult<String> replay = engine.execute(key("kept"), FP, Codecs.string(), c -> "paid twice");
    assertThat(replay.value()).isEqualTo("paid");
    assertThat(replay.replayed()).isTrue();
    assertThatThrownBy(() -> engine.execute(key("new"), FP, Codecs.string(), c -> "x"))
        .isInstanceOf(StoreUnavailableException.class);
    counting.down.set(false);
    assertThat(engine.execute(key("new"), FP, Codecs.string(), c -> "x").value()).isEqualTo("x");
  }

  @Test
  void aFailedCallIsNotCachedAndRunsAgain() {
    Counting counting = new Counting(newClient());
    IdempotencyEngine engine = engine(near(counting));
    AtomicInteger runs = new AtomicInteger();
    assertThatThrownBy(() -> engine.execute(key("fails"), FP, Codecs.string(), c -> {
      runs.incrementAndGet();
      throw new IllegalStateException("payment declined");
    })).isInstanceOf(IllegalStateException.class);
    assertThat(engine.execute(key("fails"), FP, Codecs.string(), c -> "ok-" + runs.incrementAndGet()).value())
        .isEqualTo("ok-2");
  }

  @Test
  void memoryIsBounded() {
    Counting counting = new Counting(newClient());
    NearCache near = NearCache.builder(counting).timeSource(cacheTime).maximumWeightBytes(8 * 1024).build();
    IdempotencyEngine engine = engine(near);
    String payload = "x".repeat(512);
    for (int i = 0; i < 100; i++) {
      engine.execute(key("b" + i), FP, Codecs.string(), c -> payload);
    }
    long hitsBefore = near.hits();
    for (int i = 0; i < 100; i++) {
      assertThat(engine.execute(key("b" + i), FP, Codecs.string(), c -> "other").value()).isEqualTo(payload);
    }
    assertThat(near.hits() - hitsBefore).isLessThan(30);
  }

  @Test
  void badSettingsAreTypedErrors() {
    IdempotencyStore store = newClient();
    assertThatThrownBy(() -> NearCache.builder(null)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> NearCache.builder(store).ttl(Duration.ZERO)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> NearCache.builder(store).ttl(null)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> NearCache.builder(store).maximumWeightBytes(0)).isInstanceOf(InvalidInputException.class);
    IdempotencyStore transactional = new Counting(store) {
      @Override
      public boolean joinsCallerTransaction() {
        return true;
      }
    };
    assertThatThrownBy(() -> NearCache.builder(transactional).build()).isInstanceOf(InvalidInputException.class);
  }
}
