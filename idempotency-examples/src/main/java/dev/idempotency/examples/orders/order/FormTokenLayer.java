package dev.idempotency.examples.orders.order;

import dev.idempotency.defence.DefenceOutcome;
import dev.idempotency.defence.Layer;
import dev.idempotency.spi.StoreStep;

/**
 * The form's token as a layer, named {@code "token"}. A token whose signature does not verify for
 * this user (forged, expired, another user's) is refused: {@code TOKEN_NOT_VALID}. A verified token is
 * used up in the token store (the library's token layer), which lets its first use through; a
 * verified token the store no longer holds goes on to the lock and the database as well, because the
 * store cannot tell an attempt of this intent that used it and died before its order was written
 * (or a store that lost it) from a repeat: the database's unique (user, token) key then answers with
 * the order, or lets this attempt place it. So no retry of a form is ever refused for its own earlier
 * attempt. With the store down this layer is skipped after the signature check, by its policy.
 */
final class FormTokenLayer implements Layer<SubmitOrder, OrderStore.Placed> {
  private final SignedFormTokens signed;
  private final Layer<SubmitOrder, OrderStore.Placed> stored;

  /**
   * @param signed checks the signature
   * @param stored the library's token layer, asked about the token's nonce
   */
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
    if (signed.verifiedNonce(request.userId(), request.submitToken()) == null) {
      return new DefenceOutcome.Stopped<>(name(), DefenceOutcome.Reason.TOKEN_NOT_VALID, "the form's token is not valid");
    }
    return unlessUsedUp(stored.apply(request, next), next);
  }

  /**
   * The stored token's use as a step sent with the layers' next to it (on Redis, with the rate limits
   * and the lock, in one round trip), once the signature verifies; none if it does not.
   */
  @Override
  public Opening<OrderStore.Placed> open(SubmitOrder request) {
    // The store's opening first: with none (embedded stores), the signature is checked once, in apply.
    Opening<OrderStore.Placed> inner = stored.open(request);
    if (inner == null || signed.verifiedNonce(request.userId(), request.submitToken()) == null) {
      return null;
    }
    return new Opening<>() {
      @Override
      public StoreStep<?> step() {
        return inner.step();
      }

      @Override
      public DefenceOutcome<OrderStore.Placed> apply(Object reply, Chain<OrderStore.Placed> next) throws Exception {
        return unlessUsedUp(inner.apply(reply, next), next);
      }

      @Override
      public void unused(Object reply) {
        inner.unused(reply);
      }

      @Override
      public void failed(RuntimeException failure) {
        inner.failed(failure);
      }
    };
  }

  /** A verified token the store no longer holds goes on to the next layers (see the class comment). */
  private static DefenceOutcome<OrderStore.Placed> unlessUsedUp(DefenceOutcome<OrderStore.Placed> o,
      Chain<OrderStore.Placed> next) throws Exception {
    if (o instanceof DefenceOutcome.Stopped<OrderStore.Placed> s && s.reason() == DefenceOutcome.Reason.TOKEN_NOT_VALID) {
      return next.proceed();
    }
    return o;
  }
}
