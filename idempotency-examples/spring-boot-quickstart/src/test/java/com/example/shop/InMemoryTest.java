package com.example.shop;

import org.springframework.boot.test.context.SpringBootTest;

/** {@code idempotency.backend=memory}. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "idempotency.backend=memory")
class InMemoryTest extends QuickstartContract {
  @Override
  String expectedBackend() {
    return "InMemoryBackend";
  }
}
