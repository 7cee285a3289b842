package dev.idempotency.examples.orders;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.json.JsonMapper;

/** The demo's scenarios (a) to (e) with their exact figures, on embedded defaults (H2, memory, in-process queue). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"orders.anti-pattern=true", "orders.visibility-timeout=500ms"})
class EmbeddedScenariosTest {
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
  void c_theNaiveReadCheckWritePathOversells() throws Exception {
    ScenarioAssertions.allHold(scenarios().naiveFlashSale(500, 10));
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
