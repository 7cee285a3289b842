package dev.idempotency.examples.orders;

import dev.idempotency.IdempotencyListener;
import dev.idempotency.examples.orders.order.OrderStatus;
import dev.idempotency.jdbc.JdbcBackend;
import dev.idempotency.lock.DistributedLocks;
import dev.idempotency.spi.Backend;
import dev.idempotency.state.StateMachine;
import dev.idempotency.stock.StockReservations;
import dev.idempotency.token.OneTimeTokens;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Wires the library's strategies the features share: on the starter's {@link Backend} (memory, or
 * Redis when configured) the one-time tokens, locks, the orders' state machine and the flash sale's
 * reservations in the cache; on the database of record the dedup rows and the stock ledger
 * ({@link OrderDatabase}). Each feature package wires its own use case.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OrdersProperties.class)
class OrdersConfiguration {

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
  TransactionTemplate transactionTemplate(PlatformTransactionManager transactions) {
    return new TransactionTemplate(transactions);
  }

  @Bean
  @DependsOnDatabaseInitialization
  OrderDatabase orderDatabase(DataSource dataSource) {
    JdbcBackend database = JdbcBackend.builder(dataSource).tablePrefix("idem_").createTablesIfMissing(true).build();
    return new OrderDatabase(database.transactionalDedup(Duration.ofDays(7)), database.transactionalStock(),
        StockReservations.of(database.stockStore()));
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

  /** The flash sale's reservations in the cache: the storm is absorbed here, before the queue. */
  @Bean
  StockReservations stockReservations(Backend backend) {
    return StockReservations.of(backend.stockStore());
  }
}
