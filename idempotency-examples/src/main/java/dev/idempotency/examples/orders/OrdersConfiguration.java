package dev.idempotency.examples.orders;

import dev.idempotency.IdempotencyListener;
import dev.idempotency.jdbc.JdbcBackend;
import dev.idempotency.lock.DistributedLocks;
import dev.idempotency.ratelimit.RateLimiter;
import dev.idempotency.spi.Backend;
import dev.idempotency.state.StateMachine;
import dev.idempotency.stock.StockReservations;
import dev.idempotency.token.OneTimeTokens;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Wires the library's strategies on the starter's {@link Backend} (memory, or Redis when configured:
 * tokens, locks, state, stock, rate limits) and on the application's database (the dedup rows in the
 * order's own transaction, through {@link JdbcBackend#transactionalDedup}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OrdersProperties.class)
class OrdersConfiguration {

  @Bean
  Chaos chaos() {
    return new Chaos();
  }

  @Bean
  LayerStats layerStats(ObjectProvider<MeterRegistry> registry) {
    return new LayerStats(registry.getIfAvailable());
  }

  /** The {@code Idempotency-Key} filter's decisions, counted (the starter hands every listener bean to its engine). */
  @Bean
  IdempotencyListener orderKeyStats(LayerStats stats) {
    return stats.keyListener();
  }

  @Bean
  @DependsOnDatabaseInitialization
  OrderStore orderStore(DataSource dataSource, PlatformTransactionManager transactions, Chaos chaos) {
    // Not a bean of its own: a Backend bean would replace the starter's (memory or Redis).
    JdbcBackend database = JdbcBackend.builder(dataSource).tablePrefix("idem_").createTablesIfMissing(true).build();
    return new OrderStore(dataSource, transactions, database.transactionalDedup(Duration.ofDays(7)), Clock.systemUTC(),
        chaos);
  }

  @Bean
  OneTimeTokens oneTimeTokens(Backend backend) {
    return OneTimeTokens.builder(backend.tokenStore()).ttl(Duration.ofMinutes(30)).build();
  }

  @Bean(destroyMethod = "close")
  DistributedLocks distributedLocks(Backend backend) {
    return DistributedLocks.builder(backend.lockStore()).build();
  }

  @Bean
  StateMachine<OrderStatus> orderLifecycle(Backend backend) {
    return StateMachine.builder(OrderStatus.class, backend.stateStore("orders"), "orders")
        .allow(OrderStatus.CREATED, OrderStatus.PAID)
        .allow(OrderStatus.CREATED, OrderStatus.CANCELLED)
        .allow(OrderStatus.PAID, OrderStatus.SHIPPED)
        .allow(OrderStatus.PAID, OrderStatus.CANCELLED)
        .build();
  }

  @Bean
  StockReservations stockReservations(Backend backend) {
    return StockReservations.of(backend.stockStore());
  }

  @Bean
  OrderConsumer orderConsumer(OrderStore store, StockReservations stock, LayerStats stats, Chaos chaos) {
    return new OrderConsumer(store, stock, stats, chaos);
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnProperty(prefix = "orders", name = "queue", havingValue = "memory", matchIfMissing = true)
  InProcessQueue inProcessQueue(OrderConsumer consumer, OrdersProperties p, Chaos chaos) {
    return new InProcessQueue(consumer, p.consumers(), p.visibilityTimeout(), p.maxDeliveries(), chaos);
  }

  @Bean
  OrderService orderService(OrderStore store, OneTimeTokens tokens, DistributedLocks locks,
      StateMachine<OrderStatus> lifecycle, StockReservations stock, OrderQueue queue, LayerStats stats,
      OrdersProperties p, Backend backend) {
    Duration second = Duration.ofSeconds(1);
    return new OrderService(store, tokens, locks, lifecycle, stock, queue, stats, p,
        RateLimiter.builder(backend.rateLimitStore(), "order-user").limit(p.userPerSecond(), second).build(),
        RateLimiter.builder(backend.rateLimitStore(), "order-global").limit(p.globalPerSecond(), second).build(),
        RateLimiter.builder(backend.rateLimitStore(), "flash-user").limit(p.flashUserPerSecond(), second).build(),
        RateLimiter.builder(backend.rateLimitStore(), "flash-global").limit(p.flashGlobalPerSecond(), second).build());
  }
}
