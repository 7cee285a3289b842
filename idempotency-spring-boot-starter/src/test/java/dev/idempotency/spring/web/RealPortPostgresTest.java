package dev.idempotency.spring.web;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Over the wire, on the application's PostgreSQL DataSource (the JDBC backend chosen by default). */
@SpringBootTest(classes = WebApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RealPortPostgresTest extends RealPortContract {
  @DynamicPropertySource
  static void postgres(DynamicPropertyRegistry registry) {
    String[] pg = WebServers.postgres();
    registry.add("spring.datasource.url", () -> pg[0]);
    if (pg[1] != null) {
      registry.add("spring.datasource.username", () -> pg[1]);
      registry.add("spring.datasource.password", () -> pg[2]);
    }
    registry.add("idempotency.jdbc.table-prefix", () -> "web_");
  }
}
