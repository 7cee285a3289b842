package dev.idempotency.spring.web;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The Idempotency-Key filter with its store down (Redis on a port nobody listens on): by default
 * 503 and the route does not run; with {@code idempotency.web.store-failure=proceed} the route runs.
 */
class StoreDownFilterTest {
  private static final String BODY = "{\"product\":\"book\",\"quantity\":2}";
  private static final String DEAD_REDIS = "idempotency.redis.url=redis://127.0.0.1:1";
  // The application starts without its store here (the start-up check would stop it otherwise).

  @Nested
  @SpringBootTest(classes = WebApp.class, properties = {"idempotency.backend=redis", DEAD_REDIS, "idempotency.startup-check=false",
      "idempotency.redis.timeout=300ms", "idempotency.redis.connect-timeout=300ms"})
  @AutoConfigureMockMvc
  class ByDefault {
    @Autowired
    MockMvc mvc;

    @Test
    void theRequestIs503AndTheRouteDoesNotRun() throws Exception {
      mvc.perform(post("/orders").header("Idempotency-Key", UUID.randomUUID().toString())
              .contentType(MediaType.APPLICATION_JSON).content(BODY))
          .andExpect(status().isServiceUnavailable())
          .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON));
    }
  }

  @Nested
  @SpringBootTest(classes = WebApp.class, properties = {"idempotency.backend=redis", DEAD_REDIS, "idempotency.startup-check=false",
      "idempotency.redis.timeout=300ms", "idempotency.redis.connect-timeout=300ms",
      "idempotency.web.store-failure=proceed"})
  @AutoConfigureMockMvc
  class WithProceed {
    @Autowired
    MockMvc mvc;

    @Test
    void theRouteRunsWithoutTheKeysGuarantee() throws Exception {
      mvc.perform(post("/orders").header("Idempotency-Key", UUID.randomUUID().toString())
              .contentType(MediaType.APPLICATION_JSON).content(BODY))
          .andExpect(status().isCreated());
    }
  }
}
