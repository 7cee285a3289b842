package dev.idempotency.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.CallOptions;
import dev.idempotency.CallResult;
import dev.idempotency.CorruptRecordException;
import dev.idempotency.CountingListener;
import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyEvent;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.InvalidInputException;
import dev.idempotency.codec.Codecs;
import dev.idempotency.lock.DistributedLocks;
import dev.idempotency.lock.LockOptions;
import dev.idempotency.testsupport.RedisProcess;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Edge cases on a real Redis, each once a defect: a success whose result could not be stored ran again (a server paused
 * past the socket timeout, or restarted, at completion); a lease of {@code Long.MAX_VALUE} ms left a
 * record without expiry; a record missing a field threw a raw {@code NullPointerException}; a
 * non-numeric token was reported as "store unavailable"; an absurd socket timeout threw a raw
 * {@code ArithmeticException}.
 */
class RedisEdgeCasesTest {
  private RedisProcess own;

  @AfterEach
  void stop() {
    if (own != null) {
      own.stop();
    }
  }

  private static RedisBackend backend(RedisProcess p) {
    return RedisBackend.builder().uri(p.uri()).connectTimeout(Duration.ofMillis(300))
        .socketTimeout(Duration.ofMillis(300)).build();
  }

  @Test
  void aServerPausedPastTheSocketTimeoutAtCompletionDoesNotMakeTheActionRunTwice() {
    own = RedisProcess.start();
    try (RedisBackend redis = backend(own)) {
      CountingListener counts = new CountingListener();
      IdempotencyEngine engine = IdempotencyEngine.builder(redis.idempotencyStore()).listener(counts)
          .defaults(CallOptions.builder().lease(Duration.ofSeconds(20)).build()).build();
      IdempotencyKey key = IdempotencyKey.of("payments", "paused");
      AtomicInteger runs = new AtomicInteger();
      CallResult<String> first = engine.execute(key, Fingerprint.none(), Codecs.string(), c -> {
        own.signal("STOP");
        CompletableFuture.runAsync(() -> {
          RedisProcess.sleep(1500);
          own.signal("CONT");
        });
        return "charged " + runs.incrementAndGet();
      });
      assertThat(first.value()).isEqualTo("charged 1");
      assertThat(counts.count(IdempotencyEvent.COMPLETION_RETRIED)).as("retried through the pause").isPositive();
      assertThat(counts.count(IdempotencyEvent.EXECUTED)).isEqualTo(1);

      CallResult<String> retry = engine.execute(key, Fingerprint.none(), Codecs.string(), c -> "charged " + runs.incrementAndGet());
      assertThat(retry.replayed()).isTrue();
      assertThat(retry.value()).isEqualTo("charged 1");
      assertThat(runs).hasValue(1);
    }
  }

  @Test
  void aServerRestartedWithAppendFsyncAlwaysAtCompletionDoesNotMakeTheActionRunTwice() {
    own = RedisProcess.start("--appendonly", "yes", "--appendfsync", "always");
    try (RedisBackend redis = backend(own)) {
      IdempotencyEngine engine = IdempotencyEngine.builder(redis.idempotencyStore())
          .defaults(CallOptions.builder().lease(Duration.ofSeconds(20)).build()).build();
      IdempotencyKey key = IdempotencyKey.of("payments", "restarted");
      AtomicInteger runs = new AtomicInteger();
      engine.execute(key, Fingerprint.none(), Codecs.string(), c -> {
        own.kill();
        CompletableFuture.runAsync(() -> {
          RedisProcess.sleep(800);
          own.launch();
        });
        return "charged " + runs.incrementAndGet();
      });
      CallResult<String> retry = engine.execute(key, Fingerprint.none(), Codecs.string(), c -> "charged " + runs.incrementAndGet());
      assertThat(retry.replayed()).isTrue();
      assertThat(runs).hasValue(1);
    }
  }

  @Test
  void anAbsurdLeaseIsRefusedBeforeAnythingIsWrittenSoNoKeyLivesForever() {
    own = RedisProcess.start();
    try (RedisBackend redis = backend(own); Jedis admin = new Jedis("127.0.0.1", own.port())) {
      IdempotencyEngine engine = IdempotencyEngine.builder(redis.idempotencyStore()).build();
      for (Duration lease : new Duration[] {Duration.ofMillis(Long.MAX_VALUE), Duration.ofSeconds(Long.MAX_VALUE)}) {
        assertThatThrownBy(() -> engine.execute(IdempotencyKey.of("orders", "forever"), Fingerprint.none(),
            Codecs.string(), CallOptions.builder().lease(lease).build(), c -> "x"))
            .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> redis.idempotencyStore().claim("orders:forever", "fp", lease))
            .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> redis.lockStore().tryAcquire("orders:forever", "me", lease))
            .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> DistributedLocks.builder(redis.lockStore()).build()
            .tryLock(IdempotencyKey.of("orders", "forever"), LockOptions.builder().lease(lease).build()))
            .isInstanceOf(InvalidInputException.class);
      }
      assertThat(admin.dbSize()).as("nothing was written").isZero();
    }
  }

  /**
   * Ten thousand holds that ended while nobody touched the item all go back on the item's next
   * operation, in one script; the time it takes is printed (it blocks the server once).
   */
  @Test
  void tenThousandEndedHoldsGoBackOnTheItemsNextOperation() throws Exception {
    own = RedisProcess.start();
    try (RedisBackend redis = backend(own)) {
      dev.idempotency.stock.StockReservations stock =
          dev.idempotency.stock.StockReservations.of(redis.stockStore(), Duration.ofSeconds(2));
      int n = 10_000;
      stock.declare("sku", n);
      long madeBy = System.nanoTime();
      for (int i = 0; i < n; i++) {
        assertThat(stock.reserve("sku", "h" + i).reserved()).isTrue();
      }
      long left = Duration.ofSeconds(2).toNanos() - (System.nanoTime() - madeBy);
      Thread.sleep(Duration.ofSeconds(2).toMillis() + 100);
      long start = System.nanoTime();
      assertThat(stock.levels("sku")).contains(new dev.idempotency.stock.StockLevels(n, 0, 0));
      long took = System.nanoTime() - start;
      System.out.printf("RELIABILITY | redis stock sweep | %d ended holds returned by one levels call in %.1f ms"
          + " (%.1f us per hold; the last reserved %d ms after the first)%n", n, took / 1e6, took / 1e3 / n,
          (Duration.ofSeconds(2).toNanos() - left) / 1_000_000);
    }
  }

  @Test
  void aMalformedStockHolderIsCorruptOnEveryOperationThatReadsIt() {
    own = RedisProcess.start();
    try (RedisBackend redis = backend(own); Jedis admin = new Jedis("127.0.0.1", own.port())) {
      dev.idempotency.stock.StockReservations stock = dev.idempotency.stock.StockReservations.of(redis.stockStore());
      stock.declare("sku", 10);
      String item = redis.keys().key(RedisKeys.Type.STOCK, "sku");
      String[] tampered = {"R-3:abc:1", "R3:abc", "C3:abc:17", "Rx:abc:1", "R3:a b:1", "", "C0:abc",
          "R3:" + "x".repeat(65) + ":1"};
      for (String value : tampered) {
        admin.hset(item, "h:mallory", value);
        assertThatThrownBy(() -> stock.reservation("sku", "mallory")).as(value).isInstanceOf(CorruptRecordException.class);
        assertThatThrownBy(() -> stock.reserve("sku", "mallory")).as(value).isInstanceOf(CorruptRecordException.class);
        assertThatThrownBy(() -> stock.release("sku", "mallory", "abc")).as(value).isInstanceOf(CorruptRecordException.class);
        assertThatThrownBy(() -> stock.confirm("sku", "mallory", "abc")).as(value).isInstanceOf(CorruptRecordException.class);
      }
      assertThat(stock.levels("sku")).contains(new dev.idempotency.stock.StockLevels(10, 0, 0));
    }
  }

  @Test
  void aRecordWithAMissingOrMalformedFieldIsCorruptNeverANullPointerOrUnavailable() {
    own = RedisProcess.start();
    try (RedisBackend redis = backend(own); Jedis admin = new Jedis("127.0.0.1", own.port())) {
      IdempotencyEngine engine = IdempotencyEngine.builder(redis.idempotencyStore()).build();
      IdempotencyKey noFingerprint = IdempotencyKey.of("orders", "no-fp");
      admin.hset(redis.keys().key(RedisKeys.Type.RECORD, noFingerprint.storageKey()), java.util.Map.of("s", "1", "t", "17", "p", "\u0001x"));
      IdempotencyKey badToken = IdempotencyKey.of("orders", "bad-token");
      admin.hset(redis.keys().key(RedisKeys.Type.RECORD, badToken.storageKey()),
          java.util.Map.of("s", "1", "f", Fingerprint.none().value(), "t", "twelve", "p", "\u0001x"));
      IdempotencyKey negativeToken = IdempotencyKey.of("orders", "negative-token");
      admin.hset(redis.keys().key(RedisKeys.Type.RECORD, negativeToken.storageKey()),
          java.util.Map.of("s", "1", "f", Fingerprint.none().value(), "t", "-5", "p", "\u0001x"));
      IdempotencyKey badStatus = IdempotencyKey.of("orders", "bad-status");
      admin.hset(redis.keys().key(RedisKeys.Type.RECORD, badStatus.storageKey()),
          java.util.Map.of("s", "7", "f", Fingerprint.none().value(), "t", "1", "p", "\u0001x"));
      AtomicInteger runs = new AtomicInteger();
      for (IdempotencyKey key : new IdempotencyKey[] {noFingerprint, badToken, negativeToken, badStatus}) {
        assertThatThrownBy(() -> engine.execute(key, Fingerprint.none(), Codecs.string(), c -> "" + runs.incrementAndGet()))
            .as(key.toString()).isInstanceOf(CorruptRecordException.class);
        assertThatThrownBy(() -> engine.lookup(key)).isInstanceOf(CorruptRecordException.class);
      }
      assertThat(runs).hasValue(0);
    }
  }

  @Test
  void absurdClientTimeoutsAreInvalidInputNotArithmeticExceptions() {
    assertThatThrownBy(() -> RedisBackend.builder().socketTimeout(Duration.ofDays(30)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("socketTimeout");
    assertThatThrownBy(() -> RedisBackend.builder().connectTimeout(Duration.ofSeconds(Long.MAX_VALUE)))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> RedisBackend.builder().stateTtl(Duration.ofDays(365L * 20_000)))
        .isInstanceOf(InvalidInputException.class);
  }
}
