package dev.idempotency.examples.orders.flashsale;

import dev.idempotency.examples.orders.LayerStats;
import dev.idempotency.examples.orders.OrderDatabase;
import dev.idempotency.examples.orders.OrdersProperties;
import dev.idempotency.examples.orders.async.AsyncOrders;
import dev.idempotency.examples.orders.async.Deliveries;
import dev.idempotency.examples.orders.order.OrderStore;
import dev.idempotency.ratelimit.RateLimiter;
import dev.idempotency.spi.Backend;
import dev.idempotency.stock.StockReservations;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Flash sales: the use case and its consumer. */
@Configuration(proxyBeanMethods = false)
class FlashSaleConfiguration {

  @Bean
  FlashSales flashSales(StockReservations cache, OrderDatabase database, OrderStore orders, AsyncOrders queue,
      LayerStats stats, OrdersProperties p, Backend backend) {
    Duration second = Duration.ofSeconds(1);
    return new FlashSales(cache, backend.idempotencyStore(), database, orders, queue, stats, p,
        RateLimiter.builder(backend.rateLimitStore(), "flash-user").limit(p.flashUserPerSecond(), second).build(),
        RateLimiter.builder(backend.rateLimitStore(), "flash-global").limit(p.flashGlobalPerSecond(), second).build());
  }

  @Bean
  FlashSaleHandler flashSaleHandler(Deliveries deliveries, OrderDatabase database, StockReservations cache,
      OrderStore orders) {
    return new FlashSaleHandler(deliveries, database, cache, orders);
  }
}
