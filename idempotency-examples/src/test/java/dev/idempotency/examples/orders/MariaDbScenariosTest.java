package dev.idempotency.examples.orders;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The storms on MariaDB (InnoDB's locking differs from PostgreSQL's) with Redis, and the in-process
 * queue (RabbitMQ is covered by {@link RealServersTest}; two services on one broker queue would
 * consume each other's messages).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"orders.visibility-timeout=500ms", "idempotency.redis.key-prefix=orders-maria"})
class MariaDbScenariosTest {
  @LocalServerPort
  int port;
  @Autowired
  OrderStore store;
  @Autowired
  LayerStats stats;
  @Autowired
  Chaos chaos;
  @Autowired
  JsonMapper json;

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) {
    ExampleServers.redis().forEach((k, v) -> registry.add(k, () -> v));
    ExampleServers.mariadb().forEach((k, v) -> registry.add(k, () -> v));
  }

  private Scenarios scenarios() {
    return new Scenarios(new Http(java.net.URI.create("http://127.0.0.1:" + port), json), store, stats, chaos);
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
