package dev.idempotency.examples.orders.order;

import dev.idempotency.defence.DefenceOutcome;
import dev.idempotency.defence.IntentOutcomes;
import java.util.Optional;

/**
 * A form's intent is its (user, form token) pair, and its outcome is the order the database holds
 * under that unique key: nothing else is recorded, so the answer survives whatever the cache lost.
 * A retry whose token an earlier attempt used is answered with that order. Thread-safe.
 */
final class FormIntents implements IntentOutcomes<SubmitOrder, OrderStore.Placed> {
  private final OrderStore store;

  FormIntents(OrderStore store) {
    this.store = store;
  }

  @Override
  public Optional<DefenceOutcome<OrderStore.Placed>> find(SubmitOrder s) {
    return store.findBySubmitToken(s.userId(), s.submitToken())
        .map(order -> new DefenceOutcome.Executed<>(new OrderStore.Placed(order, false)));
  }

  @Override
  public void record(SubmitOrder s, DefenceOutcome<OrderStore.Placed> outcome) {
    // The order row, written with its unique (user, token) key, is the record.
  }
}
