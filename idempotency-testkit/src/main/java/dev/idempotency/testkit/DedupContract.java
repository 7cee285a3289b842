package dev.idempotency.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.IdempotencyKey;
import dev.idempotency.InvalidInputException;
import dev.idempotency.Scope;
import dev.idempotency.dedup.DedupResult;
import dev.idempotency.dedup.Deduplicator;
import dev.idempotency.dedup.IdempotentConsumer;
import dev.idempotency.spi.MarkStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The contract of the dedup table and the idempotent consumer (docs/contract.md, section 6), run by every
 * backend: extend it and implement {@link #newClient()} and {@link #advance}.
 */
public abstract class DedupContract extends ContractSupport {

  /** For subclasses: a backend's fixture or test class. */
  protected DedupContract() {}

  /**
   * A new, independent client of the backend under test, sharing its data.
   *
   * @return the client (by default, one of {@link #fixture()})
   */
  protected MarkStore newClient() {
    return fixture().newClient().dedupStore();
  }

  private Deduplicator dedup() {
    return Deduplicator.builder(newClient()).retention(Duration.ofMinutes(10)).build();
  }

  /** A message as a broker would deliver it. */
  record Message(String id, String body) {}

  @Test
  void firstThenDuplicate() {
    assertThat(dedup().markFirst(ns, "m-1")).isEqualTo(DedupResult.FIRST);
    assertThat(dedup().markFirst(ns, "m-1")).isEqualTo(DedupResult.DUPLICATE);
    assertThat(dedup().markFirst(ns, "m-1")).isEqualTo(DedupResult.DUPLICATE);
    assertThat(dedup().markFirst(ns, "m-2")).isEqualTo(DedupResult.FIRST);
  }

  @Test
  void sixtyFourRacersOnSeveralClientsGetExactlyOneFirst() throws Exception {
    List<Deduplicator> clients = List.of(dedup(), dedup(), dedup(), dedup());
    for (int round = 0; round < 5; round++) {
      String id = "race-" + round;
      List<Race.Outcome<DedupResult>> outcomes = Race.run(64, i -> () -> clients.get(i % 4).markFirst(ns, id));
      assertThat(outcomes).allSatisfy(o -> assertThat(o.failure()).isNull());
      assertThat(outcomes.stream().filter(o -> o.value() == DedupResult.FIRST).count()).isEqualTo(1);
    }
  }

  @Test
  void namespacesAndPrincipalsAreIsolated() {
    Deduplicator d = dedup();
    assertThat(d.markFirst(IdempotencyKey.of(ns, "k"))).isEqualTo(DedupResult.FIRST);
    assertThat(d.markFirst(IdempotencyKey.of(ns + "b", "k"))).isEqualTo(DedupResult.FIRST);
    assertThat(d.markFirst(IdempotencyKey.of(ns, "alice", "k"))).isEqualTo(DedupResult.FIRST);
    assertThat(d.markFirst(IdempotencyKey.of(ns, "bob", "k"))).isEqualTo(DedupResult.FIRST);
  }

  @Test
  void aMarkIsKeptForTheRetentionAndForgottenAfterIt() throws Exception {
    Deduplicator d = Deduplicator.builder(newClient()).retention(SHORT).build();
    assertThat(d.markFirst(ns, "ttl")).isEqualTo(DedupResult.FIRST);
    advance(SHORT.dividedBy(3));
    assertThat(d.markFirst(ns, "ttl")).isEqualTo(DedupResult.DUPLICATE);
    advance(PAST_SHORT);
    assertThat(d.markFirst(ns, "ttl")).isEqualTo(DedupResult.FIRST);
  }

  @Test
  void forgettingMakesTheKeyNewAgain() {
    Deduplicator d = dedup();
    d.markFirst(ns, "f");
    assertThat(d.forget(IdempotencyKey.of(ns, "f"))).isTrue();
    assertThat(d.forget(IdempotencyKey.of(ns, "f"))).isFalse();
    assertThat(d.markFirst(ns, "f")).isEqualTo(DedupResult.FIRST);
  }

  @Test
  void consumerProcessesEachMessageOnceAndDropsRedeliveries() throws Exception {
    AtomicInteger handled = new AtomicInteger();
    IdempotentConsumer<Message, RuntimeException> consumer = IdempotentConsumer.of(dedup(), Scope.of(ns),
        Message::id, m -> handled.incrementAndGet());
    assertThat(consumer.accept(new Message("msg-1", "ship order 7"))).isEqualTo(IdempotentConsumer.Delivery.PROCESSED);
    assertThat(consumer.accept(new Message("msg-1", "ship order 7"))).isEqualTo(IdempotentConsumer.Delivery.DUPLICATE_DROPPED);

    List<Race.Outcome<IdempotentConsumer.Delivery>> outcomes =
        Race.run(64, i -> () -> consumer.accept(new Message("msg-2", "ship order 8")));
    assertThat(outcomes.stream().filter(o -> o.value() == IdempotentConsumer.Delivery.PROCESSED).count()).isEqualTo(1);
    assertThat(handled).hasValue(2);
  }

  @Test
  void aFailedDeliveryIsProcessedAgainWhenRedelivered() {
    AtomicInteger attempts = new AtomicInteger();
    IdempotentConsumer<Message, RuntimeException> consumer = IdempotentConsumer.of(dedup(), Scope.of(ns), Message::id, m -> {
      if (attempts.incrementAndGet() == 1) {
        throw new IllegalStateException("downstream unavailable");
      }
    });
    assertThatThrownBy(() -> consumer.accept(new Message("msg-3", "x"))).isInstanceOf(IllegalStateException.class);
    assertThat(consumer.accept(new Message("msg-3", "x"))).isEqualTo(IdempotentConsumer.Delivery.PROCESSED);
    assertThat(consumer.accept(new Message("msg-3", "x"))).isEqualTo(IdempotentConsumer.Delivery.DUPLICATE_DROPPED);
    assertThat(attempts).hasValue(2);
  }

  @Test
  void badInputIsATypedErrorAndMarksNothing() {
    Deduplicator d = dedup();
    assertThatThrownBy(() -> d.markFirst(ns, null)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> d.markFirst(ns, " ")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> d.markFirst(ns, "a\rb")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> d.markFirst("bad ns", "k")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> d.markFirst(null)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Deduplicator.builder(newClient()).retention(Duration.ZERO)).isInstanceOf(InvalidInputException.class);
    IdempotentConsumer<Message, RuntimeException> nullIds = IdempotentConsumer.of(d, Scope.of(ns), Message::id, m -> { });
    assertThatThrownBy(() -> nullIds.accept(new Message(null, "x"))).isInstanceOf(InvalidInputException.class);
    assertThat(d.markFirst(ns, "k")).isEqualTo(DedupResult.FIRST);
  }
}
