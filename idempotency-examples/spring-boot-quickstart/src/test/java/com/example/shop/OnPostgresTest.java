package com.example.shop;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Spring's own {@code spring.datasource.*} on PostgreSQL: IDEMPOTENCY_POSTGRES_URL, else 127.0.0.1:5432/test. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OnPostgresTest extends QuickstartContract {
  @DynamicPropertySource
  static void postgres(DynamicPropertyRegistry registry) {
    String env = System.getenv("IDEMPOTENCY_POSTGRES_URL");
    if (env != null && !env.isBlank()) {
      registry.add("spring.datasource.url", () -> env);
    } else {
      registry.add("spring.datasource.url", () -> "jdbc:postgresql://127.0.0.1:5432/test");
      registry.add("spring.datasource.username", () -> "postgres");
    }
  }

  @Override
  String expectedBackend() {
    return "JdbcBackend";
  }
}
