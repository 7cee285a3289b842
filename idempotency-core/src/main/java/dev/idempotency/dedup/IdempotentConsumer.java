package dev.idempotency.dedup;

import dev.idempotency.IdempotencyKey;
import dev.idempotency.Scope;
import dev.idempotency.internal.Exceptions;
import dev.idempotency.spi.support.Require;
import java.util.function.Function;

/**
 * Makes an at-least-once message consumer effectively-once (Camel's idempotent consumer): each
 * message id is processed once; redeliveries are dropped.
 *
 * <pre>{@code
 * IdempotentConsumer<OrderPaid, RuntimeException> consumer = IdempotentConsumer.of(dedup, Scope.of("order-paid"),
 *     OrderPaid::messageId, event -> shipping.ship(event.orderId()));
 * consumer.accept(message);   // from the broker's listener
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * The handler runs at most once per message id within the dedup retention while it succeeds. If it
 * throws, the mark is removed and the exception propagates, so the broker's redelivery is processed
 * (a concurrent duplicate that arrives while the first delivery is still being handled is dropped;
 * the first delivery's failure leads to a redelivery of its own). The handler's exceptions, checked
 * ones included, propagate unchanged and are declared by {@link #accept}. Thread-safe if the
 * handler is.
 *
 * @param <M> the message type
 * @param <X> the checked exception the handler may throw ({@code RuntimeException} if none)
 */
public final class IdempotentConsumer<M, X extends Exception> {
  /** What happened to a delivery. */
  public enum Delivery {
    /** The message was new and the handler processed it. */
    PROCESSED,
    /** The message id was seen before; the handler did not run. */
    DUPLICATE_DROPPED
  }

  /**
   * A message handler.
   *
   * @param <M> the message type
   * @param <X> the checked exception it may throw
   */
  @FunctionalInterface
  public interface Handler<M, X extends Exception> {
    /**
     * Processes one message.
     *
     * @param message the message
     * @throws X the handler's failure
     */
    void handle(M message) throws X;
  }

  private final Deduplicator deduplicator;
  private final Scope scope;
  private final Function<? super M, String> messageId;
  private final Handler<? super M, ? extends X> handler;

  private IdempotentConsumer(Deduplicator deduplicator, Scope scope,
      Function<? super M, String> messageId, Handler<? super M, ? extends X> handler) {
    this.deduplicator = deduplicator;
    this.scope = scope;
    this.messageId = messageId;
    this.handler = handler;
  }

  /**
   * Creates a consumer.
   *
   * @param <M> the message type
   * @param <X> the checked exception the handler may throw
   * @param deduplicator the dedup table
   * @param scope the consumer's scope (one per logical consumer)
   * @param messageId extracts the message's id (the producer's id, not the broker's delivery tag)
   * @param handler processes new messages
   * @return the consumer
   */
  public static <M, X extends Exception> IdempotentConsumer<M, X> of(Deduplicator deduplicator, Scope scope,
      Function<? super M, String> messageId, Handler<? super M, ? extends X> handler) {
    return new IdempotentConsumer<>(Require.nonNull(deduplicator, "deduplicator"),
        Require.nonNull(scope, "scope"), Require.nonNull(messageId, "messageId"),
        Require.nonNull(handler, "handler"));
  }

  /**
   * Processes a delivery once per message id.
   *
   * @param message the delivered message
   * @return whether it was processed or dropped as a duplicate
   * @throws X the handler's failure, unchanged (the mark was removed, so a redelivery is processed)
   */
  public Delivery accept(M message) throws X {
    Require.nonNull(message, "message");
    IdempotencyKey key = scope.key(messageId.apply(message));
    if (deduplicator.markFirst(key) == DedupResult.DUPLICATE) {
      return Delivery.DUPLICATE_DROPPED;
    }
    try {
      handler.handle(message);
    } catch (Exception | Error failure) {
      try {
        deduplicator.forget(key);
      } catch (RuntimeException e) {
        failure.addSuppressed(e);
      }
      throw Exceptions.rethrow(failure);
    }
    return Delivery.PROCESSED;
  }
}
