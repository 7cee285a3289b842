package dev.idempotency.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.InvalidInputException;
import dev.idempotency.spi.StockStore;
import dev.idempotency.stock.ConfirmOutcome;
import dev.idempotency.stock.ReleaseOutcome;
import dev.idempotency.stock.Reservation;
import dev.idempotency.stock.ReservationResult.Outcome;
import dev.idempotency.stock.ReservationResult;
import dev.idempotency.stock.StockLevels;
import dev.idempotency.stock.StockReservations;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

// Size: one test per rule of stock reservation in docs/contract.md (accounting, one per holder,
// holds that end, storms, stale releases); each is read alone.
/**
 * The contract of stock reservation (docs/contract.md, section 11), run by every backend: extend it
 * and implement {@link #newClient()}.
 */
public abstract class StockReservationContract extends ContractSupport {

  /** For subclasses: a backend's fixture or test class. */
  protected StockReservationContract() {}

  /**
   * A new, independent client of the backend under test, sharing its data.
   *
   * @return the client (by default, one of {@link #fixture()})
   */
  protected StockStore newClient() {
    return fixture().newClient().stockStore();
  }

  private StockReservations stock() {
    return StockReservations.of(newClient());
  }

  /** Reservations whose holds end after {@link #SHORT}. */
  private StockReservations shortHolds() {
    return StockReservations.of(newClient(), SHORT);
  }

  private String item(String name) {
    return ns + ":" + name;
  }

  @Test
  void reserveConfirmAndReleaseMoveUnitsExactlyOnce() {
    StockReservations s = stock();
    String sku = item("sku");
    assertThat(s.declare(sku, 5)).isTrue();
    ReservationResult r = s.reserve(sku, "alice", 2);
    assertThat(r.outcome()).isEqualTo(Outcome.RESERVED);
    Reservation alice = r.reservation();
    assertThat(alice.id()).matches("[0-9a-f]{16}");
    assertThat(alice).isEqualTo(new Reservation(sku, "alice", alice.id(), 2, false));
    assertThat(r.available()).isEqualTo(3);
    ReservationResult b = s.reserve(sku, "bob");
    assertThat(b.available()).isEqualTo(2);
    assertThat(b.reservation().id()).isNotEqualTo(alice.id());
    Reservation bob = b.reservation();
    assertThat(s.levels(sku)).contains(new StockLevels(2, 3, 0));
    assertThat(s.reservation(sku, "alice")).contains(alice);

    assertThat(s.confirm(alice)).isEqualTo(ConfirmOutcome.CONFIRMED);
    assertThat(s.confirm(alice)).isEqualTo(ConfirmOutcome.ALREADY_CONFIRMED);
    assertThat(s.release(alice)).isEqualTo(ReleaseOutcome.ALREADY_CONFIRMED);
    assertThat(s.reservation(sku, "alice")).contains(new Reservation(sku, "alice", alice.id(), 2, true));
    assertThat(s.levels(sku)).contains(new StockLevels(2, 1, 2));

    assertThat(s.release(sku, "bob", bob.id())).isEqualTo(ReleaseOutcome.RELEASED);
    assertThat(s.release(bob)).isEqualTo(ReleaseOutcome.NOT_RESERVED);
    assertThat(s.confirm(bob)).isEqualTo(ConfirmOutcome.NOT_RESERVED);
    assertThat(s.reservation(sku, "bob")).isEmpty();
    assertThat(s.levels(sku)).contains(new StockLevels(3, 0, 2));
    assertThat(s.levels(sku).orElseThrow().total()).isEqualTo(5);
  }

  @Test
  void aHolderHoldsOneReservationPerItemAndARepeatTakesNothing() {
    StockReservations s = stock();
    String sku = item("one-per-user");
    s.declare(sku, 10);
    Reservation first = s.reserve(sku, "alice", 3).reservation();
    // A retry (the first reply was lost) is told the reservation it made, id and all.
    ReservationResult again = s.reserve(sku, "alice", 1);
    assertThat(again.outcome()).isEqualTo(Outcome.ALREADY_RESERVED);
    assertThat(again.existing()).contains(first);
    assertThat(first).isEqualTo(new Reservation(sku, "alice", first.id(), 3, false));
    assertThat(again.available()).isEqualTo(7);
    assertThat(s.levels(sku)).contains(new StockLevels(7, 3, 0));
    assertThat(s.reserve(item("other"), "alice", 1).outcome()).isEqualTo(Outcome.NOT_STOCKED);
  }

  @Test
  void theLastUnitsGoExactlyAndARetryOfTheirBuyerIsNotSoldOut() {
    StockReservations s = stock();
    String sku = item("last");
    s.declare(sku, 3);
    assertThat(s.reserve(sku, "alice", 4).outcome()).isEqualTo(Outcome.SOLD_OUT);
    assertThat(s.reserve(sku, "alice", 3).outcome()).isEqualTo(Outcome.RESERVED);
    assertThat(s.reserve(sku, "alice", 3).outcome()).isEqualTo(Outcome.ALREADY_RESERVED);
    ReservationResult bob = s.reserve(sku, "bob", 1);
    assertThat(bob.outcome()).isEqualTo(Outcome.SOLD_OUT);
    assertThat(bob.reservation()).isNull();
    assertThat(s.levels(sku)).contains(new StockLevels(0, 3, 0));
  }

  @Test
  void declaringAgainNeverAddsStockAndRepairSetsAvailableKeepingReservations() {
    StockReservations s = stock();
    String sku = item("warm");
    assertThat(s.levels(sku)).isEmpty();
    assertThat(s.declare(sku, 10)).isTrue();
    Reservation alice = s.reserve(sku, "alice", 4).reservation();
    assertThat(s.declare(sku, 10)).isFalse();
    assertThat(s.declare(sku, 50)).isFalse();
    assertThat(s.levels(sku)).contains(new StockLevels(6, 4, 0));

    assertThat(s.repair(sku, 5)).contains(new StockLevels(6, 4, 0));
    assertThat(s.levels(sku)).contains(new StockLevels(5, 4, 0));
    assertThat(s.release(alice)).isEqualTo(ReleaseOutcome.RELEASED);
    assertThat(s.levels(sku)).contains(new StockLevels(9, 0, 0));
    assertThat(s.repair(item("fresh"), 7)).isEmpty();
    assertThat(s.levels(item("fresh"))).contains(new StockLevels(7, 0, 0));
  }

  @Test
  void declaringRacersDeclareOnce() throws Exception {
    String sku = item("declare-race");
    List<StockReservations> clients = List.of(stock(), stock(), stock(), stock());
    List<Race.Outcome<Boolean>> outcomes = Race.run(32, i -> () -> clients.get(i % 4).declare(sku, 10));
    assertThat(outcomes).allSatisfy(o -> assertThat(o.failure()).isNull());
    assertThat(outcomes.stream().filter(o -> o.value()).count()).isEqualTo(1);
    assertThat(stock().levels(sku)).contains(new StockLevels(10, 0, 0));
  }

  /** The flash sale of the seeds: 500 buyers, 10 units, one per user. */
  @Test
  void fiveHundredBuyersOfTenUnitsReserveExactlyTenAndStockNeverGoesNegative() throws Exception {
    String sku = item("flash");
    List<StockReservations> clients = List.of(stock(), stock(), stock(), stock());
    clients.get(0).declare(sku, 10);
    AtomicBoolean storming = new AtomicBoolean(true);
    List<StockLevels> observed = new ArrayList<>();
    var watcher = inBackground(() -> {
      StockReservations w = stock();
      while (storming.get()) {
        w.levels(sku).ifPresent(observed::add);
      }
      return observed.size();
    });
    List<Race.Outcome<ReservationResult>> outcomes =
        Race.run(500, i -> () -> clients.get(i % 4).reserve(sku, "user-" + i));
    storming.set(false);
    watcher.get();

    assertThat(outcomes).allSatisfy(o -> assertThat(o.failure()).isNull());
    Map<Outcome, Long> counts = outcomes.stream().collect(Collectors.groupingBy(o -> o.value().outcome(), Collectors.counting()));
    assertThat(counts).containsEntry(Outcome.RESERVED, 10L).containsEntry(Outcome.SOLD_OUT, 490L);
    assertThat(stock().levels(sku)).contains(new StockLevels(0, 10, 0));
    assertThat(observed).allSatisfy(l -> {
      assertThat(l.available()).isNotNegative();
      assertThat(l.total()).isEqualTo(10);
    });
    StockReservations reader = stock();
    for (int i = 0; i < 500; i++) {
      Optional<Reservation> held = reader.reservation(sku, "user-" + i);
      assertThat(held.isPresent()).isEqualTo(outcomes.get(i).value().outcome() == Outcome.RESERVED);
    }
  }

  /** Retries everywhere: each of 200 buyers sends the same request three times at once. */
  @Test
  void sixteenBuyersOfTwentyItemsAtOnceGetAnAnswerAndTakeExactlyTheStock() throws Exception {
    // Declares, reservations and repeats of many items interleave: none may fail (on InnoDB a
    // locking read of a missing row locks a gap that other items' inserts need) or oversell.
    List<StockReservations> clients = List.of(stock(), stock(), stock(), stock());
    List<String> skus = new java.util.ArrayList<>();
    for (int n = 0; n < 20; n++) {
      skus.add(item("many-" + n));
    }
    java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(16);
    List<Race.Outcome<Integer>> outcomes = Race.run(16, i -> () -> {
      StockReservations s = clients.get(i % 4);
      int reserved = 0;
      for (String sku : skus) {
        together.await(10, java.util.concurrent.TimeUnit.SECONDS);
        s.declare(sku, 8);
        if (s.reserve(sku, "buyer-" + i).outcome() == Outcome.RESERVED) {
          reserved++;
        }
        assertThat(s.reserve(sku, "buyer-" + i).outcome()).isIn(Outcome.ALREADY_RESERVED, Outcome.SOLD_OUT);
      }
      return reserved;
    });
    assertThat(outcomes).allSatisfy(o -> assertThat(o.failure()).isNull());
    assertThat(outcomes.stream().mapToInt(Race.Outcome::value).sum()).isEqualTo(20 * 8);
    for (String sku : skus) {
      assertThat(clients.get(0).levels(sku)).contains(new StockLevels(0, 8, 0));
    }
  }

  @Test
  void twoHundredBuyersRetryingThreeTimesStillReserveTenUnitsOncePerBuyer() throws Exception {
    String sku = item("retries");
    List<StockReservations> clients = List.of(stock(), stock(), stock(), stock());
    clients.get(0).declare(sku, 10);
    List<Race.Outcome<ReservationResult>> outcomes =
        Race.run(600, i -> () -> clients.get(i % 4).reserve(sku, "buyer-" + (i % 200)));
    assertThat(outcomes).allSatisfy(o -> assertThat(o.failure()).isNull());
    Map<String, List<Outcome>> byBuyer = new ConcurrentHashMap<>();
    for (int i = 0; i < 600; i++) {
      byBuyer.computeIfAbsent("buyer-" + (i % 200), b -> new ArrayList<>()).add(outcomes.get(i).value().outcome());
    }
    Set<String> winners = new HashSet<>();
    byBuyer.forEach((buyer, list) -> {
      long reserved = list.stream().filter(o -> o == Outcome.RESERVED).count();
      assertThat(reserved).as(buyer).isLessThanOrEqualTo(1);
      if (reserved == 1) {
        winners.add(buyer);
      }
    });
    assertThat(winners).hasSize(10);
    assertThat(stock().levels(sku)).contains(new StockLevels(0, 10, 0));
  }

  @Test
  void aUnitReleasedAfterAFailedLaterStepIsSoldToSomeoneElse() {
    StockReservations s = stock();
    String sku = item("released");
    s.declare(sku, 1);
    Reservation alice = s.reserve(sku, "alice").reservation();
    assertThat(alice).isNotNull();
    assertThat(s.reserve(sku, "bob").outcome()).isEqualTo(Outcome.SOLD_OUT);
    // Alice's payment is declined: the unit goes back, once.
    assertThat(s.release(alice)).isEqualTo(ReleaseOutcome.RELEASED);
    assertThat(s.release(alice)).isEqualTo(ReleaseOutcome.NOT_RESERVED);
    assertThat(s.reserve(sku, "bob").outcome()).isEqualTo(Outcome.RESERVED);
    assertThat(s.reserve(sku, "carol").outcome()).isEqualTo(Outcome.SOLD_OUT);
    assertThat(s.levels(sku)).contains(new StockLevels(0, 1, 0));
  }

  @Test
  void racingReleasesAndConfirmsOfOneReservationActOnce() throws Exception {
    String sku = item("race-release");
    List<StockReservations> clients = List.of(stock(), stock(), stock(), stock());
    clients.get(0).declare(sku, 10);
    Reservation alice = clients.get(0).reserve(sku, "alice", 4).reservation();
    List<Race.Outcome<ReleaseOutcome>> releases = Race.run(32, i -> () -> clients.get(i % 4).release(alice));
    assertThat(releases.stream().filter(o -> o.value() == ReleaseOutcome.RELEASED).count()).isEqualTo(1);
    assertThat(stock().levels(sku)).contains(new StockLevels(10, 0, 0));

    Reservation bob = clients.get(0).reserve(sku, "bob", 3).reservation();
    AtomicInteger confirmed = new AtomicInteger();
    AtomicInteger released = new AtomicInteger();
    Race.run(32, i -> () -> {
      if (i % 2 == 0) {
        if (clients.get(i % 4).confirm(bob) == ConfirmOutcome.CONFIRMED) {
          confirmed.incrementAndGet();
        }
      } else if (clients.get(i % 4).release(bob) == ReleaseOutcome.RELEASED) {
        released.incrementAndGet();
      }
      return null;
    });
    assertThat(confirmed.get() + released.get()).isEqualTo(1);
    StockLevels after = stock().levels(sku).orElseThrow();
    assertThat(after.total()).isEqualTo(10);
    assertThat(after.reserved()).isZero();
    assertThat(after.confirmed()).isEqualTo(confirmed.get() == 1 ? 3 : 0);
  }

  @Test
  void aRetriedReleaseOfAnOlderReservationLeavesTheNewerOneAlone() {
    StockReservations s = stock();
    String sku = item("stale-release");
    s.declare(sku, 5);
    Reservation first = s.reserve(sku, "alice", 2).reservation();
    // The release lands, its reply is lost; the holder reserves again; the retried release lands.
    assertThat(s.release(first)).isEqualTo(ReleaseOutcome.RELEASED);
    Reservation second = s.reserve(sku, "alice", 1).reservation();
    assertThat(second.id()).isNotEqualTo(first.id());
    assertThat(s.release(first)).isEqualTo(ReleaseOutcome.NOT_RESERVED);
    assertThat(s.confirm(first)).isEqualTo(ConfirmOutcome.NOT_RESERVED);
    assertThat(s.reservation(sku, "alice")).contains(second);
    assertThat(s.levels(sku)).contains(new StockLevels(4, 1, 0));
    assertThat(s.confirm(second)).isEqualTo(ConfirmOutcome.CONFIRMED);
    assertThat(s.levels(sku)).contains(new StockLevels(4, 0, 1));
  }

  @Test
  void anUnsettledReservationReturnsToStockWhenItsHoldEnds() throws Exception {
    StockReservations s = shortHolds();
    String sku = item("hold");
    s.declare(sku, 3);
    Reservation alice = s.reserve(sku, "alice", 2).reservation();
    Reservation bob = s.reserve(sku, "bob", 1).reservation();
    assertThat(s.confirm(bob)).isEqualTo(ConfirmOutcome.CONFIRMED);
    assertThat(s.reserve(sku, "carol").outcome()).isEqualTo(Outcome.SOLD_OUT);
    advance(PAST_SHORT);
    // Alice never paid: her units are available again, and nothing she holds can be settled.
    assertThat(s.levels(sku)).contains(new StockLevels(2, 0, 1));
    assertThat(s.reservation(sku, "alice")).isEmpty();
    assertThat(s.confirm(alice)).isEqualTo(ConfirmOutcome.NOT_RESERVED);
    assertThat(s.release(alice)).isEqualTo(ReleaseOutcome.NOT_RESERVED);
    // A confirmed reservation has no hold.
    assertThat(s.reservation(sku, "bob")).contains(new Reservation(sku, "bob", bob.id(), 1, true));
    assertThat(s.levels(sku)).contains(new StockLevels(2, 0, 1));
    assertThat(s.reserve(sku, "carol", 2).outcome()).isEqualTo(Outcome.RESERVED);
    assertThat(s.levels(sku).orElseThrow().total()).isEqualTo(3);
  }

  @Test
  void anEndedHoldIsSoldToTheNextBuyerAndItsHolderMayReserveAgain() throws Exception {
    StockReservations s = shortHolds();
    String sku = item("resell");
    s.declare(sku, 1);
    Reservation alice = s.reserve(sku, "alice").reservation();
    advance(PAST_SHORT);
    // No read comes first: the reservation itself finds the ended hold.
    ReservationResult bob = s.reserve(sku, "bob");
    assertThat(bob.outcome()).isEqualTo(Outcome.RESERVED);
    assertThat(bob.available()).isZero();
    assertThat(s.levels(sku)).contains(new StockLevels(0, 1, 0));

    String other = item("again");
    s.declare(other, 2);
    Reservation first = s.reserve(other, "alice").reservation();
    advance(PAST_SHORT);
    ReservationResult again = s.reserve(other, "alice", 2);
    assertThat(again.outcome()).isEqualTo(Outcome.RESERVED);
    assertThat(again.reservation().id()).isNotEqualTo(first.id());
    assertThat(again.available()).isZero();
    assertThat(s.release(first)).isEqualTo(ReleaseOutcome.NOT_RESERVED);
    assertThat(s.levels(other)).contains(new StockLevels(0, 2, 0));
    assertThat(alice.id()).isNotNull();
  }

  @Test
  void holdsEndingTogetherAllReturnWhateverTheirNumber() throws Exception {
    StockReservations s = shortHolds();
    // The one hold that is kept races with the others but does not end with them: on a server's real
    // clock, its confirmation, queued behind 149 reservations of the same item, can come later than a
    // short hold lasts.
    StockReservations kept = StockReservations.of(newClient(), LONG);
    String sku = item("many-holds");
    s.declare(sku, 150);
    AtomicReference<ConfirmOutcome> keptOutcome = new AtomicReference<>();
    List<Race.Outcome<ReservationResult>> outcomes = Race.run(150, i -> () -> {
      ReservationResult r = (i == 0 ? kept : s).reserve(sku, "buyer-" + i);
      if (i == 0 && r.outcome() == Outcome.RESERVED) {
        keptOutcome.set(kept.confirm(r.reservation()));
      }
      return r;
    });
    assertThat(outcomes).allSatisfy(o -> assertThat(o.value().outcome()).isEqualTo(Outcome.RESERVED));
    assertThat(keptOutcome.get()).isEqualTo(ConfirmOutcome.CONFIRMED);
    advance(PAST_SHORT);
    assertThat(s.reserve(sku, "late", 149).outcome()).isEqualTo(Outcome.RESERVED);
    assertThat(s.levels(sku)).contains(new StockLevels(0, 149, 1));
  }

  @Test
  void holdersAndItemsAreExactText() {
    StockReservations s = stock();
    String sku = item("Text");
    s.declare(sku, 5);
    s.declare(item("text"), 5);
    assertThat(s.reserve(sku, "Alice").reserved()).isTrue();
    assertThat(s.reserve(sku, "alice").reserved()).isTrue();
    Reservation zoe = s.reserve(sku, "zoë 🛒").reservation();
    assertThat(s.reservation(sku, "zoë 🛒")).contains(new Reservation(sku, "zoë 🛒", zoe.id(), 1, false));
    assertThat(s.release(sku, "Zoë 🛒", zoe.id())).isEqualTo(ReleaseOutcome.NOT_RESERVED);
    assertThat(s.levels(item("text"))).contains(new StockLevels(5, 0, 0));
  }

  @Test
  void badInputIsATypedErrorAndWritesNothing() {
    StockReservations s = stock();
    String sku = item("bad");
    s.declare(sku, 3);
    Function<Runnable, Object> refused = call -> assertThatThrownBy(call::run).isInstanceOf(InvalidInputException.class);
    refused.apply(() -> s.reserve(null, "alice"));
    refused.apply(() -> s.reserve(" ", "alice"));
    refused.apply(() -> s.reserve(sku, null));
    refused.apply(() -> s.reserve(sku, "a\u0000b"));
    refused.apply(() -> s.reserve(sku, "\ud800"));
    refused.apply(() -> s.reserve(sku, "x".repeat(201)));
    refused.apply(() -> s.reserve(sku, "alice", 0));
    refused.apply(() -> s.reserve(sku, "alice", -1));
    refused.apply(() -> s.reserve(sku, "alice", StockReservations.MAX_QUANTITY + 1));
    refused.apply(() -> s.declare(item("neg"), -1));
    refused.apply(() -> s.declare(item("huge"), StockReservations.MAX_UNITS + 1));
    refused.apply(() -> s.repair(sku, -5));
    Reservation held = s.reserve(sku, "held").reservation();
    refused.apply(() -> s.release(sku, "", held.id()));
    refused.apply(() -> s.confirm(sku, "a\nb", held.id()));
    refused.apply(() -> s.release(sku, "held", ""));
    refused.apply(() -> s.release(sku, "held", null));
    refused.apply(() -> s.confirm(sku, "held", "id with spaces"));
    refused.apply(() -> s.confirm(sku, "held", "x".repeat(StockReservations.MAX_ID_LENGTH + 1)));
    refused.apply(() -> s.release(null));
    refused.apply(() -> s.confirm(new Reservation(sku, "held", "é", 1, false)));
    refused.apply(() -> StockReservations.of(null));
    refused.apply(() -> StockReservations.of(newClient(), java.time.Duration.ZERO));
    refused.apply(() -> StockReservations.of(newClient(), null));
    refused.apply(() -> StockReservations.of(newClient(), StockReservations.MAX_HOLD.plusMillis(1)));
    refused.apply(() -> newClient().release(sku, "held", "bad id"));
    refused.apply(() -> newClient().reserve(sku, "other", 1, "", SHORT));
    refused.apply(() -> newClient().reserve(sku, "other", 1, "fine", java.time.Duration.ofMillis(-1)));
    assertThat(s.release(held)).isEqualTo(ReleaseOutcome.RELEASED);
    assertThat(s.levels(sku)).contains(new StockLevels(3, 0, 0));
    assertThat(s.levels(item("neg"))).isEmpty();
    assertThat(s.levels(item("huge"))).isEmpty();
    assertThat(s.reservation(sku, "alice")).isEmpty();
  }
}
