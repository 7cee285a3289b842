package dev.idempotency.testkit.selftest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.codec.Codecs;
import dev.idempotency.defence.DefenceOutcome;
import dev.idempotency.defence.LayeredDefence;
import dev.idempotency.memory.InMemoryBackend;
import dev.idempotency.ratelimit.RateLimiter;
import dev.idempotency.stock.StockLevels;
import dev.idempotency.stock.StockReservations;
import dev.idempotency.testkit.ManualTime;
import dev.idempotency.testkit.Race;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The rate-limit and stock layers in a flash-sale defence. */
class FlashSaleLayersTest {
  record Buy(String userId, String requestKey, String sku, boolean paymentFails) {}

  private final ManualTime time = new ManualTime();
  private final InMemoryBackend backend = InMemoryBackend.builder().timeSource(time).build();
  private final StockReservations stock = StockReservations.of(backend.stockStore());
  private final AtomicInteger orders = new AtomicInteger();
  private final java.util.Map<String, dev.idempotency.stock.Reservation> handed = new java.util.concurrent.ConcurrentHashMap<>();

  private LayeredDefence<Buy, String> defence(RateLimiter perUser, RateLimiter overall) {
    return LayeredDefence.<Buy, String>builder("flash-sale")
        .layer(IdempotencyEngine.builder(backend.idempotencyStore()).timeSource(time).build().asLayer(
            b -> IdempotencyKey.of("buy", b.userId(), b.requestKey()), b -> Fingerprint.sha256(b.sku()), Codecs.string()))
        .layer(perUser.asLayer(Buy::userId))
        .layer(overall.asLayer(b -> RateLimiter.GLOBAL))
        .layer(stock.asLayer(Buy::sku, Buy::userId, b -> 1, (b, r) -> handed.put(b.userId(), r)))
        .build();
  }

  private String order(Buy b) {
    if (b.paymentFails()) {
      throw new IllegalStateException("payment declined");
    }
    return "order-" + orders.incrementAndGet() + "-" + b.userId();
  }

  @Test
  void aStormOfBuyersSellsTheStockOnceAndRetriesAreReplayedWithoutSpendingAPermit() throws Exception {
    stock.declare("sku", 10);
    LayeredDefence<Buy, String> d = defence(
        RateLimiter.builder(backend.rateLimitStore(), "user").limit(2, Duration.ofMinutes(1)).build(),
        RateLimiter.builder(backend.rateLimitStore(), "all").limit(1000, Duration.ofSeconds(1)).build());
    List<Race.Outcome<DefenceOutcome<String>>> outcomes =
        Race.run(200, i -> () -> d.execute(new Buy("u" + (i % 100), "r1", "sku", false), this::order));
    long executed = outcomes.stream().filter(o -> o.value() instanceof DefenceOutcome.Executed).count();
    assertThat(executed).isEqualTo(10);
    assertThat(orders).hasValue(10);
    assertThat(stock.levels("sku")).contains(new StockLevels(0, 10, 0));
    assertThat(outcomes).allSatisfy(o -> assertThat(o.failure()).isNull());
    // Each buyer's action was handed its own reservation, as the store holds it: no read back needed.
    assertThat(handed).hasSize(10);
    handed.forEach((user, r) -> assertThat(stock.reservation("sku", user)).contains(r));

    // A winner's retry is a replay, not a second reservation, and costs no permit.
    for (int n = 0; n < 5; n++) {
      DefenceOutcome<String> again = d.execute(new Buy(winner(outcomes), "r1", "sku", false), this::order);
      assertThat(again).isInstanceOf(DefenceOutcome.Replayed.class);
    }
  }

  private static String winner(List<Race.Outcome<DefenceOutcome<String>>> outcomes) {
    return outcomes.stream().filter(o -> o.value() instanceof DefenceOutcome.Executed)
        .map(o -> o.value().value().orElseThrow()).findFirst().orElseThrow().replaceAll("^order-\\d+-", "");
  }

  @Test
  void aRateLimitStopsWithRetryAfter() throws Exception {
    stock.declare("sku", 100);
    LayeredDefence<Buy, String> d = defence(
        RateLimiter.builder(backend.rateLimitStore(), "user").limit(1, Duration.ofMinutes(1)).build(),
        RateLimiter.builder(backend.rateLimitStore(), "all").limit(100, Duration.ofSeconds(1)).build());
    assertThat(d.execute(new Buy("alice", "r1", "sku", false), this::order)).isInstanceOf(DefenceOutcome.Executed.class);
    DefenceOutcome<String> flood = d.execute(new Buy("alice", "r2", "sku", false), this::order);
    assertThat(flood).isInstanceOf(DefenceOutcome.Stopped.class);
    DefenceOutcome.Stopped<String> s = (DefenceOutcome.Stopped<String>) flood;
    assertThat(s.reason()).isEqualTo(DefenceOutcome.Reason.RATE_LIMITED);
    assertThat(s.layer()).isEqualTo("rate-limit:user");
    assertThat(s.retryAfterTime().orElseThrow()).isBetween(Duration.ofSeconds(59), Duration.ofSeconds(60));
    time.advance(Duration.ofSeconds(61));
    assertThat(d.execute(new Buy("alice", "r2", "sku", false), this::order)).isInstanceOf(DefenceOutcome.Stopped.class)
        .extracting(o -> ((DefenceOutcome.Stopped<String>) o).reason()).isEqualTo(DefenceOutcome.Reason.ALREADY_RESERVED);
  }

  @Test
  void aFailedPaymentGivesTheUnitBackAndSoldOutStops() throws Exception {
    stock.declare("sku", 1);
    LayeredDefence<Buy, String> d = defence(
        RateLimiter.builder(backend.rateLimitStore(), "user").limit(10, Duration.ofSeconds(1)).build(),
        RateLimiter.builder(backend.rateLimitStore(), "all").limit(100, Duration.ofSeconds(1)).build());
    assertThatThrownBy(() -> d.execute(new Buy("alice", "r1", "sku", true), this::order))
        .isInstanceOf(IllegalStateException.class);
    assertThat(stock.levels("sku")).contains(new StockLevels(1, 0, 0));
    assertThat(d.execute(new Buy("bob", "r1", "sku", false), this::order)).isInstanceOf(DefenceOutcome.Executed.class);
    DefenceOutcome<String> late = d.execute(new Buy("carol", "r1", "sku", false), this::order);
    assertThat(late).isInstanceOfSatisfying(DefenceOutcome.Stopped.class,
        s -> assertThat(s.reason()).isEqualTo(DefenceOutcome.Reason.SOLD_OUT));
    assertThat(d.execute(new Buy("dave", "r1", "unknown", false), this::order)).isInstanceOfSatisfying(
        DefenceOutcome.Stopped.class, s -> assertThat(s.reason()).isEqualTo(DefenceOutcome.Reason.NOT_STOCKED));
  }
}
