package dev.idempotency.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.IdempotencyKey;
import dev.idempotency.InvalidInputException;
import dev.idempotency.Scope;
import dev.idempotency.codec.Codecs;
import dev.idempotency.defence.DefenceOutcome;
import dev.idempotency.defence.IntentOutcomes;
import dev.idempotency.defence.LayerDecision;
import dev.idempotency.defence.LayeredDefence;
import dev.idempotency.ratelimit.RateLimiter;
import dev.idempotency.spi.Backend;
import dev.idempotency.stock.StockReservations;
import dev.idempotency.token.OneTimeTokens;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The rule "an intent's retry gets the intent's answer" ({@link IntentOutcomes}), with the outcomes
 * kept in the backend's idempotency store and the layers on the backend's stores. The intents here
 * are a (user, item) purchase and a form's one-time token.
 */
public abstract class IntentOutcomeContract extends ContractSupport {

  /** For subclasses: a backend's fixture or test class. */
  protected IntentOutcomeContract() {}

  /** A purchase: the buyer and the item are the intent. */
  record Buy(String user, String item) {}

  /** A form submission: the form's token is the intent. */
  record Submit(String user, String token) {}

  private final AtomicInteger runs = new AtomicInteger();
  private final List<LayerDecision> decisions = new ArrayList<>();

  private Backend backend() {
    return fixture().newClient();
  }

  private LayeredDefence<Buy, String> purchases(Backend b, long perUserPerMinute) {
    RateLimiter perUser = RateLimiter.builder(b.rateLimitStore(), ns + "-user").limit(perUserPerMinute,
        Duration.ofMinutes(1)).build();
    return LayeredDefence.<Buy, String>builder("purchases")
        .layerListener(decisions::add)
        .layer(perUser.asLayer(Buy::user))
        .layer(StockReservations.of(b.stockStore()).asLayer(Buy::item, Buy::user, r -> 1))
        .intentOutcomes(IntentOutcomes.stored(b.idempotencyStore(),
            r -> IdempotencyKey.of(ns + "-intent", r.user(), r.item()), Codecs.string(), Duration.ofMinutes(10)))
        .build();
  }

  private String buy(Buy r) {
    return "order-" + r.user() + "-" + runs.incrementAndGet();
  }

  @Test
  void aSoldOutIntentsRetryIsToldSoldOutAgainNotRateLimited() {
    Backend b = backend();
    String item = ns + "-sku";
    StockReservations.of(b.stockStore()).declare(item, 1);
    LayeredDefence<Buy, String> defence = purchases(b, 1);
    assertThat(defence.execute(new Buy("first", item), this::buy)).isInstanceOf(DefenceOutcome.Executed.class);

    DefenceOutcome<String> soldOut = defence.execute(new Buy("late", item), this::buy);
    DefenceOutcome<String> retry = defence.execute(new Buy("late", item), this::buy);

    assertThat(soldOut).isInstanceOfSatisfying(DefenceOutcome.Stopped.class,
        s -> assertThat(s.reason()).isEqualTo(DefenceOutcome.Reason.SOLD_OUT));
    assertThat(retry).as("the retry spent no permit of its own; its intent's answer is sold out")
        .isInstanceOfSatisfying(DefenceOutcome.Stopped.class, s -> {
          assertThat(s.reason()).isEqualTo(DefenceOutcome.Reason.SOLD_OUT);
          assertThat(s.layer()).isEqualTo("stock");
        });
    assertThat(decisions).contains(new LayerDecision("purchases", "intent", LayerDecision.Kind.STOPPED,
        DefenceOutcome.Reason.SOLD_OUT));
    assertThat(runs).hasValue(1);
  }

  @Test
  void aBoughtIntentsRetryRefusedByItsOwnReservationGetsTheSameResult() {
    Backend b = backend();
    String item = ns + "-sku";
    StockReservations.of(b.stockStore()).declare(item, 5);
    LayeredDefence<Buy, String> defence = purchases(b, 100);
    DefenceOutcome<String> bought = defence.execute(new Buy("alice", item), this::buy);
    DefenceOutcome<String> retry = defence.execute(new Buy("alice", item), this::buy);
    assertThat(retry).isInstanceOfSatisfying(DefenceOutcome.Replayed.class, r -> {
      assertThat(r.result()).isEqualTo(bought.value().orElseThrow());
      assertThat(r.layer()).isEqualTo("intent");
    });
    assertThat(runs).hasValue(1);
  }

  @Test
  void aFormWhoseResultExistsIsAnsweredWithItNotTokenNotValidEvenFromAnotherClient() {
    Backend first = backend();
    OneTimeTokens tokens = OneTimeTokens.builder(first.tokenStore()).build();
    String token = tokens.issue(Scope.of(ns, "u1"));
    Submit submit = new Submit("u1", token);
    DefenceOutcome<String> placed = forms(first).execute(submit, s -> "order-" + runs.incrementAndGet());
    DefenceOutcome<String> again = forms(backend()).execute(submit, s -> "order-" + runs.incrementAndGet());
    assertThat(again).isInstanceOfSatisfying(DefenceOutcome.Replayed.class,
        r -> assertThat(r.result()).isEqualTo(placed.value().orElseThrow()));
    DefenceOutcome<String> stranger = forms(backend()).execute(new Submit("u1", "not-a-token"), s -> "never");
    assertThat(stranger).as("a token nobody used has no outcome: the refusal stands")
        .isInstanceOfSatisfying(DefenceOutcome.Stopped.class,
            s -> assertThat(s.reason()).isEqualTo(DefenceOutcome.Reason.TOKEN_NOT_VALID));
    assertThat(runs).hasValue(1);
  }

  private LayeredDefence<Submit, String> forms(Backend b) {
    return LayeredDefence.<Submit, String>builder("forms")
        .layer(OneTimeTokens.builder(b.tokenStore()).build().asLayer(s -> Scope.of(ns, s.user()), Submit::token))
        .intentOutcomes(IntentOutcomes.stored(b.idempotencyStore(),
            s -> IdempotencyKey.of(ns + "-form", s.user(), s.token()), Codecs.string(), Duration.ofMinutes(10)))
        .build();
  }

  @Test
  void aRefusalNoEarlierAttemptCausedIsNotRecordedAndAResultAfterAStopIsFoundFirst() {
    Backend b = backend();
    IntentOutcomes<Buy, String> outcomes = IntentOutcomes.stored(b.idempotencyStore(),
        r -> IdempotencyKey.of(ns + "-direct", r.user(), r.item()), Codecs.string(), Duration.ofMinutes(10));
    Buy buy = new Buy("bob", "sku");
    assertThat(outcomes.find(buy)).isEmpty();
    outcomes.record(buy, new DefenceOutcome.Stopped<>("stock", DefenceOutcome.Reason.SOLD_OUT, "none left"));
    assertThat(outcomes.find(buy)).get().isInstanceOf(DefenceOutcome.Stopped.class);
    outcomes.record(buy, new DefenceOutcome.Executed<>("order-after-restock"));
    outcomes.record(buy, new DefenceOutcome.Executed<>("a second result is not kept"));
    assertThat(outcomes.find(buy)).get().extracting(o -> o.value().orElseThrow()).isEqualTo("order-after-restock");

    Buy nothing = new Buy("carol", "sku");
    outcomes.record(nothing, new DefenceOutcome.Executed<>(null));
    assertThat(outcomes.find(nothing)).get().extracting(o -> o.value().isEmpty()).isEqualTo(true);
  }

  @Test
  void badArgumentsAreTypedErrors() {
    Backend b = backend();
    assertThatThrownBy(() -> IntentOutcomes.stored(null, r -> IdempotencyKey.of(ns, "k"), Codecs.string(),
        Duration.ofMinutes(1))).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> IntentOutcomes.stored(b.idempotencyStore(), null, Codecs.string(), Duration.ofMinutes(1)))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> IntentOutcomes.stored(b.idempotencyStore(), r -> IdempotencyKey.of(ns, "k"), null,
        Duration.ofMinutes(1))).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> IntentOutcomes.stored(b.idempotencyStore(), r -> IdempotencyKey.of(ns, "k"),
        Codecs.string(), Duration.ZERO)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> LayeredDefence.<String, String>builder("x").intentOutcomes(null))
        .isInstanceOf(InvalidInputException.class);
  }
}
