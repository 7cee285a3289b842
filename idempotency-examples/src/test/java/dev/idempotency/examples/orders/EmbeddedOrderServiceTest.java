package dev.idempotency.examples.orders;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

/** The order service on embedded defaults: H2, in-memory stores, the in-process queue; and the anti-pattern (c). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"orders.anti-pattern=true", "orders.visibility-timeout=500ms"})
class EmbeddedOrderServiceTest extends OrderServiceContract {

  @Test
  void c_theNaiveReadCheckWritePathOversells() throws Exception {
    ScenarioAssertions.allHold(scenarios().naiveFlashSale(500, 10));
  }
}
