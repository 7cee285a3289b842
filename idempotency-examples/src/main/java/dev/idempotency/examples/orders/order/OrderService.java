package dev.idempotency.examples.orders.order;

import dev.idempotency.IdempotencyKey;
import dev.idempotency.Scope;
import dev.idempotency.StoreUnavailableException;
import dev.idempotency.defence.FailurePolicy;
import dev.idempotency.defence.LayeredDefence;
import dev.idempotency.examples.orders.LayerStats;
import dev.idempotency.examples.orders.LayerStoppedException;
import dev.idempotency.examples.orders.OrdersProperties;
import dev.idempotency.lock.DistributedLocks;
import dev.idempotency.lock.LockOptions;
import dev.idempotency.ratelimit.RateLimiter;
import dev.idempotency.state.StateMachine;
import dev.idempotency.state.TransitionResult;
import dev.idempotency.token.OneTimeTokens;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Form orders and their lifecycle. A submission goes through a {@link LayeredDefence} of the
 * library's layers, in order: per-user rate limit, global rate limit, one-time token, and a lock per
 * user and product whose fencing token fences the write; then one database transaction with a dedup
 * row and the unique (user, form token) key ({@link OrderStore#place}). The {@code Idempotency-Key}
 * replay runs before all of them (the starter's filter, on the route), so a repeat of a completed
 * request is answered before anything below is consumed. Layers whose store is a cache follow
 * {@code orders.cache-layers} ({@code skip}: with Redis down, the database alone decides); what a
 * layer consumed for a request that a later layer stops or fails is given back, so a retry of the
 * same request is never refused because of its own first attempt. Moves (pay, ship, cancel) go
 * through the state machine. Thread-safe.
 */
public final class OrderService {
  private static final Logger LOG = LoggerFactory.getLogger(OrderService.class);
  /** How long a form's token is valid (the token store's TTL is set to the same). */
  static final Duration TOKEN_TTL = Duration.ofMinutes(30);

  /** The requested move is not allowed from the order's current state. */
  public static final class IllegalTransitionException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final OrderStatus current;

    IllegalTransitionException(String orderId, OrderStatus current, OrderStatus target) {
      super("order " + orderId + " is " + current + ", which does not allow " + target, null, false, false);
      this.current = current;
    }

    /** @return the order's state, which does not allow the move */
    public OrderStatus current() {
      return current;
    }
  }

  private final OrderStore store;
  private final OneTimeTokens tokens;
  private final StateMachine<OrderStatus> lifecycle;
  private final LayerStats stats;
  private final SignedFormTokens signedTokens;
  private final LayeredDefence<SubmitOrder, OrderStore.Placed> submitDefence;

  /**
   * @param store the orders in the database
   * @param tokens the form's one-time tokens
   * @param locks the per-user-and-product lock
   * @param lifecycle the orders' state machine
   * @param stats where each layer's decisions are counted
   * @param p the service's settings
   * @param userLimit submissions per user
   * @param globalLimit submissions over all users
   */
  public OrderService(OrderStore store, OneTimeTokens tokens, DistributedLocks locks,
      StateMachine<OrderStatus> lifecycle, LayerStats stats, OrdersProperties p, RateLimiter userLimit,
      RateLimiter globalLimit) {
    this.store = store;
    this.tokens = tokens;
    this.lifecycle = lifecycle;
    this.stats = stats;
    this.signedTokens = new SignedFormTokens(p.tokenSecret(), Clock.systemUTC(), TOKEN_TTL);
    FailurePolicy cache = p.cacheLayers();
    LockOptions lock = LockOptions.builder().lease(p.lockLease()).maxWait(Duration.ofSeconds(3)).build();
    this.submitDefence = LayeredDefence.<SubmitOrder, OrderStore.Placed>builder("orders")
        .layerListener(stats)
        .layer(userLimit.asLayer(SubmitOrder::userId), cache)
        .layer(globalLimit.asLayer(s -> RateLimiter.GLOBAL), cache)
        .layer(new FormTokenLayer(signedTokens,
            tokens.<SubmitOrder, OrderStore.Placed>asLayer(s -> formScope(s.userId()),
                s -> SignedFormTokens.nonce(s.submitToken()))), cache)
        .layer(locks.asLayer(s -> IdempotencyKey.of("order-lock", s.userId(), s.productId()), lock,
            SubmitOrder::fence), cache)
        // A retry whose token an earlier attempt used is answered with that attempt's order.
        .intentOutcomes(new FormIntents(store))
        .build();
  }

  private static Scope formScope(String userId) {
    return Scope.of("order-form", userId);
  }

  /**
   * Issues a signed token for the user's form, whose nonce the token store holds for its first use;
   * while the store is down, one the store does not hold, which the database layer honours alike (so
   * a form loaded during an outage can still order).
   *
   * @param userId the user
   * @return the token
   */
  public String issueToken(String userId) {
    String nonce;
    try {
      nonce = tokens.issue(formScope(userId));
    } catch (StoreUnavailableException e) {
      LOG.warn("token store down; the form token of {} is signed only: {}", userId, e.getMessage());
      nonce = null;
    }
    return signedTokens.issue(userId, nonce);
  }

  /**
   * Places a form order once; a duplicate that reaches the database gets the existing order. The
   * order's state is not written to the state machine here: its first move creates it from the
   * database ({@link #move}), as for queued and flash-sale orders, so a new order makes no
   * state-store call (on Redis, one round trip fewer per order).
   *
   * @param s the submission
   * @return the order, and whether this call wrote it
   * @throws LayerStoppedException if a layer stopped it
   */
  public OrderStore.Placed submit(SubmitOrder s) {
    return LayerStoppedException.valueOf(submitDefence.execute(s, r -> {
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
  }

  /**
   * Moves an order through its lifecycle through the state machine: a repeat of an applied move is a
   * success with the same state; an illegal move throws {@link IllegalTransitionException}. The
   * side effect (payment, shipment) is written by every caller the machine let through, idempotently,
   * so a crash between the move and its effect is repaired by the retry.
   *
   * @param orderId the order
   * @param target the state to move it to
   * @return the order after the move, or empty if there is no such order
   * @throws IllegalTransitionException if its state does not allow the move
   */
  public Optional<Order> move(String orderId, OrderStatus target) {
    Optional<Order> order = store.order(orderId);
    if (order.isEmpty()) {
      return Optional.empty();
    }
    TransitionResult<OrderStatus> r = lifecycle.transition(orderId, target);
    if (r.outcome() == TransitionResult.Outcome.NOT_FOUND) {
      // Its first move (or its entry expired): the database says where it is.
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

  /**
   * @param orderId an order's id
   * @return the order, if there is one
   */
  public Optional<Order> order(String orderId) {
    return store.order(orderId);
  }
}
