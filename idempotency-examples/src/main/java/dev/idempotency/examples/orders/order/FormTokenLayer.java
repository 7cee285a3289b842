package dev.idempotency.examples.orders.order;

import dev.idempotency.defence.DefenceOutcome;
import dev.idempotency.defence.Layer;

/**
 * The form's one-time token as a layer: a token from the store is consumed there (the library's
 * token layer); a signed token, issued while the store was down, is checked locally and left to the
 * database's dedup row on (user, token), which makes one order per token. Named {@code "token"}.
 */
final class FormTokenLayer implements Layer<SubmitOrder, OrderStore.Placed> {
  private final SignedFormTokens signed;
  private final Layer<SubmitOrder, OrderStore.Placed> stored;

  FormTokenLayer(SignedFormTokens signed, Layer<SubmitOrder, OrderStore.Placed> stored) {
    this.signed = signed;
    this.stored = stored;
  }

  @Override
  public String name() {
    return "token";
  }

  @Override
  public DefenceOutcome<OrderStore.Placed> apply(SubmitOrder request, Chain<OrderStore.Placed> next) throws Exception {
    String token = request.submitToken();
    if (!signed.isSigned(token)) {
      return stored.apply(request, next);
    }
    if (!signed.valid(request.userId(), token)) {
      return new DefenceOutcome.Stopped<>(name(), DefenceOutcome.Reason.TOKEN_NOT_VALID, "the form's token is not valid");
    }
    return next.proceed();
  }
}
