package dev.idempotency.examples.orders;

import org.springframework.boot.test.context.SpringBootTest;

/** The HTTP contract on embedded defaults: H2, in-memory stores, the in-process queue. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"orders.anti-pattern=true", "orders.visibility-timeout=500ms"})
class EmbeddedHttpContractTest extends OrderHttpContract {
}
