package dev.idempotency.examples.orders;

import dev.idempotency.IdempotencyKey;
import dev.idempotency.Scope;
import dev.idempotency.StoreUnavailableException;
import dev.idempotency.defence.DefenceOutcome;
import dev.idempotency.defence.FailurePolicy;
import dev.idempotency.defence.LayeredDefence;
import dev.idempotency.lock.DistributedLocks;
import dev.idempotency.lock.LockOptions;
import dev.idempotency.ratelimit.RateLimiter;
import dev.idempotency.state.StateMachine;
import dev.idempotency.state.TransitionResult;
import dev.idempotency.stock.StockLevels;
import dev.idempotency.stock.Reservation;
import dev.idempotency.stock.StockReservations;
import dev.idempotency.token.OneTimeTokens;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The order service's use cases, each a {@link LayeredDefence} of the library's layers. The
 * {@code Idempotency-Key} replay runs before all of them (the starter's filter, on the routes), so a
 * repeat of a completed request is answered before anything below is consumed.
 *
 * <p>Form orders go through, in order: per-user rate limit, global rate limit, one-time token, a lock
 * per user and product whose fencing token fences the write, and then one database transaction with a
 * dedup row and the unique (user, form token) key. Layers whose store is a cache follow
 * {@code orders.cache-layers} ({@code skip}: with Redis down, the database alone decides). What a layer
 * consumed for a request the later layers stop or fail is given back (token, reservation), so a
 * retry of the same request is never refused because of its own first attempt. Thread-safe.
 */
public final class OrderService {
  private static final Logger LOG = LoggerFactory.getLogger(OrderService.class);

  /** A layer stopped the request; the web layer maps the reason to a status. */
  static final class StoppedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient DefenceOutcome.Stopped<?> stopped;

    StoppedException(DefenceOutcome.Stopped<?> stopped) {
      super(stopped.detail(), null, false, false);
      this.stopped = stopped;
    }

    DefenceOutcome.Stopped<?> stopped() {
      return stopped;
    }
  }

  /** The requested move is not allowed from the order's current state. */
  static final class IllegalTransitionException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final OrderStatus current;

    IllegalTransitionException(String orderId, OrderStatus current, OrderStatus target) {
      super("order " + orderId + " is " + current + ", which does not allow " + target, null, false, false);
      this.current = current;
    }

    OrderStatus current() {
      return current;
    }
  }

  /** A flash-sale purchase attempt. */
  /** One flash-sale purchase as it goes through the layers; the stock layer hands it its reservation. */
  static final class FlashBuy {
    private final String productId;
    private final String userId;
    private volatile Reservation reservation;

    FlashBuy(String productId, String userId) {
      this.productId = productId;
      this.userId = userId;
    }

    String productId() {
      return productId;
    }

    String userId() {
      return userId;
    }

    /** The unit reserved for this purchase, once the stock layer took it. */
    Reservation reservation() {
      return reservation;
    }

    void reservation(Reservation r) {
      this.reservation = r;
    }
  }

  private final OrderStore store;
  private final OneTimeTokens tokens;
  private final StateMachine<OrderStatus> lifecycle;
  private final StockReservations stock;
  private final OrderQueue queue;
  private final LayerStats stats;
  private final LayeredDefence<SubmitOrder, OrderStore.Placed> submitDefence;
  private final LayeredDefence<SubmitOrder, String> asyncDefence;
  private final LayeredDefence<FlashBuy, String> flashDefence;

  OrderService(OrderStore store, OneTimeTokens tokens, DistributedLocks locks, StateMachine<OrderStatus> lifecycle,
      StockReservations stock, OrderQueue queue, LayerStats stats, OrdersProperties p, RateLimiter userLimit,
      RateLimiter globalLimit, RateLimiter flashUserLimit, RateLimiter flashGlobalLimit) {
    this.store = store;
    this.tokens = tokens;
    this.lifecycle = lifecycle;
    this.stock = stock;
    this.queue = queue;
    this.stats = stats;
    FailurePolicy cache = p.cacheLayers();
    LockOptions lock = LockOptions.builder().lease(p.lockLease()).maxWait(Duration.ofSeconds(3)).build();
    this.submitDefence = LayeredDefence.<SubmitOrder, OrderStore.Placed>builder("orders")
        .layerListener(stats)
        .layer(userLimit.asLayer(SubmitOrder::userId), cache)
        .layer(globalLimit.asLayer(s -> RateLimiter.GLOBAL), cache)
        .layer(tokens.asLayer(s -> formScope(s.userId()), SubmitOrder::submitToken), cache)
        .layer(locks.asLayer(s -> IdempotencyKey.of("order-lock", s.userId(), s.productId()), lock,
            SubmitOrder::fence), cache)
        .build();
    this.asyncDefence = LayeredDefence.<SubmitOrder, String>builder("orders-async")
        .layerListener(stats)
        .layer(userLimit.asLayer(SubmitOrder::userId), cache)
        .layer(globalLimit.asLayer(s -> RateLimiter.GLOBAL), cache)
        .build();
    this.flashDefence = LayeredDefence.<FlashBuy, String>builder("flash-sale")
        .layerListener(stats)
        .layer(flashUserLimit.asLayer(FlashBuy::userId), cache)
        .layer(flashGlobalLimit.asLayer(b -> RateLimiter.GLOBAL), cache)
        .layer(stock.asLayer(FlashBuy::productId, FlashBuy::userId, b -> 1, FlashBuy::reservation))
        .build();
  }

  static Scope formScope(String userId) {
    return Scope.of("order-form", userId);
  }

  /** Issues a one-time token for the user's order form. */
  String issueToken(String userId) {
    return tokens.issue(formScope(userId));
  }

  /** Places a form order once; a duplicate that reaches the database gets the existing order. */
  OrderStore.Placed submit(SubmitOrder s) {
    OrderStore.Placed placed = orThrow(submitDefence.execute(s, r -> {
      OrderStore.Placed p;
      try {
        p = store.place(r);
      } catch (RuntimeException e) {
        stats.error("database");
        throw e;
      }
      if (p.created()) {
        stats.passed("database");
      } else {
        stats.stopped("database", "DUPLICATE");
      }
      return p;
    }));
    try {
      lifecycle.create(placed.order().orderId(), OrderStatus.CREATED);
    } catch (StoreUnavailableException e) {
      // The order stands; the first move creates its state from the database (see move).
      LOG.warn("state store down; order {} gets its state on its first move: {}", placed.order().orderId(),
          e.getMessage());
    }
    return placed;
  }

  /** Queues an order; the consumer creates it once however often the message is delivered. */
  String submitAsync(SubmitOrder s) {
    return orThrow(asyncDefence.execute(s, r -> enqueue("async", r.userId(), r.productId(), r.quantity(),
        r.submitToken())));
  }

  /** Reserves one unit for the user and queues the purchase; the consumer writes the order. */
  String buyFlash(FlashBuy b) {
    // The stock layer reserved the unit; the message carries that reservation's id to the consumer.
    return orThrow(flashDefence.execute(b, r -> enqueue("flash-sale", r.userId(), r.productId(), 1, null,
        r.reservation().id())));
  }

  private String enqueue(String kind, String userId, String productId, int quantity, String token) {
    return enqueue(kind, userId, productId, quantity, token, null);
  }

  private String enqueue(String kind, String userId, String productId, int quantity, String token,
      String reservationId) {
    String requestId = UUID.randomUUID().toString();
    store.newRequest(requestId, userId, kind);
    queue.publish(new QueueMessage(requestId, kind, userId, productId, quantity, token, reservationId));
    return requestId;
  }

  /**
   * Moves an order through its lifecycle through the state machine: a repeat of an applied move is a
   * success with the same state; an illegal move throws {@link IllegalTransitionException}. The
   * side effect (payment, shipment) is written by every caller the machine let through, idempotently,
   * so a crash between the move and its effect is repaired by the retry.
   */
  Optional<Order> move(String orderId, OrderStatus target) {
    Optional<Order> order = store.order(orderId);
    if (order.isEmpty()) {
      return Optional.empty();
    }
    TransitionResult<OrderStatus> r = lifecycle.transition(orderId, target);
    if (r.outcome() == TransitionResult.Outcome.NOT_FOUND) {
      // Created before the state store knew it (or its entry expired): the database says where it is.
      lifecycle.create(orderId, order.get().status());
      r = lifecycle.transition(orderId, target);
    }
    switch (r.outcome()) {
      case APPLIED -> stats.passed("state-machine");
      case ALREADY_APPLIED -> stats.replayed("state-machine");
      default -> {
        stats.stopped("state-machine", "STATE_REJECTED");
        throw new IllegalTransitionException(orderId, r.current(), target);
      }
    }
    return Optional.of(store.recordStatus(orderId, target));
  }

  Optional<Order> order(String orderId) {
    return store.order(orderId);
  }

  Optional<OrderStore.Request> request(String requestId) {
    return store.request(requestId);
  }

  /** Puts a product on flash sale: its stock in the database, and the cache warmed from there. */
  void startFlashSale(String productId, long units) {
    store.putProduct(productId, productId, units);
    warm(productId);
  }

  /** Sets the cache's available stock from the database (reconciliation after a cache loss). */
  void warm(String productId) {
    long db = store.stock(productId).orElseThrow();
    if (!stock.declare(productId, db)) {
      stock.repair(productId, db);
    }
  }

  Optional<Long> databaseStock(String productId) {
    return store.stock(productId);
  }

  Optional<StockLevels> cacheStock(String productId) {
    return stock.levels(productId);
  }

  int ordersOf(String productId) {
    return store.ordersOfProduct(productId);
  }

  long deadLettered() {
    return queue.deadLettered();
  }

  private static <T> T orThrow(DefenceOutcome<T> outcome) {
    if (outcome instanceof DefenceOutcome.Stopped<T> s) {
      throw new StoppedException(s);
    }
    return outcome.value().orElseThrow();
  }
}
