package dev.idempotency.examples.orders.async;

import dev.idempotency.defence.LayeredDefence;
import dev.idempotency.examples.orders.LayerStats;
import dev.idempotency.examples.orders.LayerStoppedException;
import dev.idempotency.examples.orders.OrdersProperties;
import dev.idempotency.examples.orders.order.SubmitOrder;
import dev.idempotency.ratelimit.RateLimiter;
import java.util.Optional;
import java.util.UUID;

/**
 * Queued requests: {@code POST /orders/async} goes through the rate limits and is queued; the
 * consumer writes its order once however often the message is delivered ({@link AsyncOrderHandler}).
 * Flash sales queue their purchases here too ({@link #enqueue}). Thread-safe.
 */
public final class AsyncOrders {
  private final RequestStore requests;
  private final OrderQueue queue;
  private final LayeredDefence<SubmitOrder, String> defence;

  /**
   * @param requests where each request's answer is kept
   * @param queue the queue
   * @param stats where each layer's decisions are counted
   * @param p the service's settings
   * @param userLimit submissions per user
   * @param globalLimit submissions over all users
   */
  public AsyncOrders(RequestStore requests, OrderQueue queue, LayerStats stats, OrdersProperties p,
      RateLimiter userLimit, RateLimiter globalLimit) {
    this.requests = requests;
    this.queue = queue;
    this.defence = LayeredDefence.<SubmitOrder, String>builder("orders-async")
        .layerListener(stats)
        .layer(userLimit.asLayer(SubmitOrder::userId), p.cacheLayers())
        .layer(globalLimit.asLayer(s -> RateLimiter.GLOBAL), p.cacheLayers())
        .build();
  }

  /**
   * Queues an order.
   *
   * @param s the submission
   * @return the request's id
   * @throws LayerStoppedException if a rate limit stopped it
   */
  public String submit(SubmitOrder s) {
    return LayerStoppedException.valueOf(defence.execute(s, r -> enqueue("async", r.userId(), r.productId(),
        r.quantity(), r.submitToken(), null)));
  }

  /**
   * Records a pending request and publishes its message.
   *
   * @param kind the message kind
   * @param userId the buyer
   * @param productId the product
   * @param quantity the units
   * @param token the form's token, or null
   * @param reservationId a flash sale's reservation, or null
   * @return the request's id
   * @throws QueueUnavailableException if the queue did not take the message (the request is failed)
   */
  public String enqueue(String kind, String userId, String productId, int quantity, String token,
      String reservationId) {
    String requestId = UUID.randomUUID().toString();
    requests.add(requestId, userId, kind);
    try {
      queue.publish(new QueueMessage(requestId, kind, userId, productId, quantity, token, reservationId));
    } catch (RuntimeException e) {
      // Nothing will process it: settle it now, so no request stays pending for ever.
      requests.failed(requestId, "the queue did not take it; nothing was ordered");
      throw new QueueUnavailableException("the order queue did not take request " + requestId, e);
    }
    return requestId;
  }

  /**
   * @param requestId a request's id
   * @return where it stands, if there is such a request
   */
  public Optional<RequestStore.Request> request(String requestId) {
    return requests.find(requestId);
  }

  /** @return messages that went to the dead-letter queue since start */
  public long deadLettered() {
    return queue.deadLettered();
  }
}
