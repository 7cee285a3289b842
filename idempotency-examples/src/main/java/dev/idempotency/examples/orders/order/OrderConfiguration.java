package dev.idempotency.examples.orders.order;

import dev.idempotency.examples.orders.LayerStats;
import dev.idempotency.examples.orders.OrdersProperties;
import dev.idempotency.lock.DistributedLocks;
import dev.idempotency.ratelimit.RateLimiter;
import dev.idempotency.spi.Backend;
import dev.idempotency.state.StateMachine;
import dev.idempotency.token.OneTimeTokens;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/** Form orders: their store and their use case. */
@Configuration(proxyBeanMethods = false)
class OrderConfiguration {

  @Bean
  @DependsOnDatabaseInitialization
  OrderStore orderStore(DataSource dataSource, PlatformTransactionManager transactions) {
    return new OrderStore(dataSource, transactions, Clock.systemUTC());
  }

  @Bean
  OrderService orderService(OrderStore store, OneTimeTokens tokens, DistributedLocks locks,
      StateMachine<OrderStatus> lifecycle, LayerStats stats, OrdersProperties p, Backend backend) {
    Duration second = Duration.ofSeconds(1);
    return new OrderService(store, tokens, locks, lifecycle, stats, p,
        RateLimiter.builder(backend.rateLimitStore(), "order-user").limit(p.userPerSecond(), second).build(),
        RateLimiter.builder(backend.rateLimitStore(), "order-global").limit(p.globalPerSecond(), second).build());
  }
}
