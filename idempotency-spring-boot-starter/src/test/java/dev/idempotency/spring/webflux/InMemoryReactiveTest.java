package dev.idempotency.spring.webflux;

import org.springframework.boot.test.context.SpringBootTest;

/** The reactive contract on the in-memory backend. */
@SpringBootTest(classes = ReactiveApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"spring.main.web-application-type=reactive", "idempotency.backend=memory"})
class InMemoryReactiveTest extends ReactiveContract {
}
