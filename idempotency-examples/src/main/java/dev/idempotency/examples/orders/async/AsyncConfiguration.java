package dev.idempotency.examples.orders.async;

import dev.idempotency.examples.orders.LayerStats;
import dev.idempotency.examples.orders.OrderDatabase;
import dev.idempotency.examples.orders.OrdersProperties;
import dev.idempotency.examples.orders.order.OrderStore;
import dev.idempotency.ratelimit.RateLimiter;
import dev.idempotency.spi.Backend;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.support.TransactionTemplate;

/** The queue (in-process unless {@code orders.queue=rabbitmq}), its consumer and the async orders. */
@Configuration(proxyBeanMethods = false)
class AsyncConfiguration {

  @Bean
  @DependsOnDatabaseInitialization
  RequestStore requestStore(OrderStore orders) {
    return new RequestStore(orders.jdbc());
  }

  @Bean
  Deliveries deliveries(DataSource dataSource, TransactionTemplate tx, OrderDatabase database, RequestStore requests,
      ObjectProvider<DeliveryFaults> faults) {
    return new Deliveries(dataSource, tx, database.dedup(), requests, faults.getIfAvailable(() -> DeliveryFaults.NONE));
  }

  @Bean
  AsyncOrderHandler asyncOrderHandler(Deliveries deliveries, OrderStore orders) {
    return new AsyncOrderHandler(deliveries, orders);
  }

  @Bean
  OrderConsumer orderConsumer(List<QueueHandler> handlers, LayerStats stats, ObjectProvider<DeliveryFaults> faults) {
    return new OrderConsumer(handlers, stats, faults.getIfAvailable(() -> DeliveryFaults.NONE));
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnProperty(prefix = "orders", name = "queue", havingValue = "memory", matchIfMissing = true)
  InProcessQueue inProcessQueue(OrderConsumer consumer, OrdersProperties p, ObjectProvider<DeliveryFaults> faults) {
    return new InProcessQueue(consumer, p.consumers(), p.visibilityTimeout(), p.maxDeliveries(),
        faults.getIfAvailable(() -> DeliveryFaults.NONE));
  }

  @Bean
  AsyncOrders asyncOrders(RequestStore requests, OrderQueue queue, LayerStats stats, OrdersProperties p,
      Backend backend) {
    Duration second = Duration.ofSeconds(1);
    // The same limiter names as the form orders: one budget per user over both routes.
    return new AsyncOrders(requests, queue, stats, p,
        RateLimiter.builder(backend.rateLimitStore(), "order-user").limit(p.userPerSecond(), second).build(),
        RateLimiter.builder(backend.rateLimitStore(), "order-global").limit(p.globalPerSecond(), second).build());
  }
}
