package dev.idempotency.examples.orders.flashsale;

import dev.idempotency.IdempotencyKey;
import dev.idempotency.codec.Codecs;
import dev.idempotency.defence.IntentOutcomes;
import dev.idempotency.defence.LayeredDefence;
import dev.idempotency.examples.orders.LayerStats;
import dev.idempotency.examples.orders.LayerStoppedException;
import dev.idempotency.examples.orders.OrderDatabase;
import dev.idempotency.examples.orders.OrdersProperties;
import dev.idempotency.examples.orders.async.AsyncOrders;
import dev.idempotency.examples.orders.order.OrderStore;
import dev.idempotency.ratelimit.RateLimiter;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.stock.StockLevels;
import dev.idempotency.stock.StockReservations;
import java.time.Duration;
import java.util.Optional;

/**
 * Flash sales. A purchase goes through per-user and global rate limits and a reservation of one unit
 * in the cache (the storm is absorbed there: one round trip, no database), then is queued; the
 * consumer ({@link FlashSaleHandler}) takes the unit from the stock ledger in the database with the
 * order, in one transaction, and settles the cache's reservation. The database's ledger is the
 * library's ({@code TransactionalStock}), the only one the service writes. Thread-safe.
 */
public final class FlashSales {
  /** How long a buyer's answer is kept for their retries. */
  private static final Duration INTENT_RETENTION = Duration.ofHours(1);

  private final StockReservations cache;
  private final StockReservations ledger;
  private final OrderStore orders;
  private final AsyncOrders queue;
  private final LayeredDefence<FlashBuy, String> defence;

  /**
   * @param cache the reservations in the cache (the starter's backend)
   * @param intents where each buyer's answer is kept (the starter's backend, beside the reservations)
   * @param database the stock ledger in the database
   * @param orders the orders
   * @param queue where purchases are queued
   * @param stats where each layer's decisions are counted
   * @param p the service's settings
   * @param userLimit attempts per user
   * @param globalLimit attempts over all users
   */
  public FlashSales(StockReservations cache, IdempotencyStore intents, OrderDatabase database, OrderStore orders,
      AsyncOrders queue, LayerStats stats, OrdersProperties p, RateLimiter userLimit, RateLimiter globalLimit) {
    this.cache = cache;
    this.ledger = database.stockLedger();
    this.orders = orders;
    this.queue = queue;
    this.defence = LayeredDefence.<FlashBuy, String>builder("flash-sale")
        .layerListener(stats)
        .layer(userLimit.asLayer(FlashBuy::userId), p.cacheLayers())
        .layer(globalLimit.asLayer(b -> RateLimiter.GLOBAL), p.cacheLayers())
        .layer(cache.asLayer(FlashBuy::productId, FlashBuy::userId, b -> 1, FlashBuy::reservation))
        // A buyer's retry gets the buyer's answer: the same queued request, or sold out again (not 429).
        .intentOutcomes(IntentOutcomes.stored(intents, b -> IdempotencyKey.of("flash-intent", b.userId(),
            b.productId()), Codecs.string(), INTENT_RETENTION))
        .build();
  }

  /**
   * Puts a product on sale: its stock in the database's ledger (set again if it was on sale), and
   * the cache warmed from there.
   *
   * @param productId the product
   * @param units the units on sale
   */
  public void start(String productId, long units) {
    if (!ledger.declare(productId, units)) {
      ledger.repair(productId, units);
    }
    warm(productId);
  }

  /**
   * Reserves one unit for the buyer and queues the purchase; the consumer writes the order.
   *
   * @param b the purchase
   * @return the queued request's id
   * @throws LayerStoppedException if a layer stopped it (rate limited, sold out, already reserved, not on sale)
   */
  public String buy(FlashBuy b) {
    // The stock layer reserved the unit; the message carries that reservation's id to the consumer.
    return LayerStoppedException.valueOf(defence.execute(b, r -> queue.enqueue("flash-sale", r.userId(),
        r.productId(), 1, null, r.reservation().id())));
  }

  /**
   * Sets the cache's available stock from the database (reconciliation after a cache loss).
   *
   * @param productId the product
   */
  public void warm(String productId) {
    long db = databaseStock(productId).orElseThrow();
    if (!cache.declare(productId, db)) {
      cache.repair(productId, db);
    }
  }

  /**
   * @param productId a product
   * @return the units the database's ledger has left, empty if the product was never on sale
   */
  public Optional<Long> databaseStock(String productId) {
    return ledger.levels(productId).map(StockLevels::available);
  }

  /**
   * @param productId a product
   * @return the cache's levels (available, reserved, confirmed), empty if not on sale there
   */
  public Optional<StockLevels> cacheStock(String productId) {
    return cache.levels(productId);
  }

  /**
   * @param productId a product
   * @return the orders written for it
   */
  public int ordersOf(String productId) {
    return orders.ordersOfProduct(productId);
  }
}
