package dev.idempotency.examples.orders;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The HTTP contract and the demo's scenarios on real servers: Redis for the library's stores,
 * PostgreSQL for the database, RabbitMQ for the queue (a quorum queue with a delivery limit).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"orders.anti-pattern=true", "idempotency.redis.key-prefix=orders-test"})
class RealServersTest extends OrderHttpContract {
  @Autowired
  LayerStats stats;
  @Autowired
  Chaos chaos;

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) {
    ExampleServers.redis().forEach((k, v) -> registry.add(k, () -> v));
    ExampleServers.postgres().forEach((k, v) -> registry.add(k, () -> v));
    ExampleServers.rabbitmq().forEach((k, v) -> registry.add(k, () -> v));
  }

  private Scenarios scenarios() {
    return new Scenarios(http, store, stats, chaos);
  }

  @Test
  void a_fiveHundredConcurrentSubmissionsOfOneOrderMakeOneOrder() throws Exception {
    ScenarioAssertions.allHold(scenarios().duplicateSubmissions(500));
  }

  @Test
  void b_fiveHundredBuyersForTenUnitsMakeTenOrdersAndStockZero() throws Exception {
    ScenarioAssertions.allHold(scenarios().flashSale(500, 10));
  }

  @Test
  void d_aHundredAsyncSubmissionsDeliveredThreeTimesWithAConsumerKilledMakeAHundredOrders() throws Exception {
    ScenarioAssertions.allHold(scenarios().asyncRedelivery(100, 3));
  }

  @Test
  void e_payingTwiceAndShippingTwiceRecordOnePaymentAndOneShipment() throws Exception {
    ScenarioAssertions.allHold(scenarios().payAndShipTwice());
  }
}
