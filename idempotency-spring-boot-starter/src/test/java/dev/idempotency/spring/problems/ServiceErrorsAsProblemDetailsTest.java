package dev.idempotency.spring.problems;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.idempotency.KeyReusedException;
import dev.idempotency.testsupport.RedisProcess;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The library's exceptions thrown by an {@code @Idempotent} service that a controller calls reach
 * the client as {@code application/problem+json} with their own status, not as Spring's default 500;
 * the application's own exception handlers still come first; and the mapping can be turned off.
 */
class ServiceErrorsAsProblemDetailsTest {

  @Nested
  @SpringBootTest(classes = QuoteApp.class, properties = "idempotency.backend=memory")
  @AutoConfigureMockMvc
  class OnTheInMemoryBackend {
    @Autowired
    MockMvc mvc;
    @Autowired
    QuoteApp.Quotes quotes;

    @Test
    void aKeyReusedWithOtherArgumentsIs422() throws Exception {
      String id = UUID.randomUUID().toString();
      mvc.perform(post("/quotes/" + id).param("amount", "10")).andExpect(status().isOk())
          .andExpect(jsonPath("$.amount").value(10));
      mvc.perform(post("/quotes/" + id).param("amount", "10")).andExpect(status().isOk())
          .andExpect(jsonPath("$.run").value(1));
      mvc.perform(post("/quotes/" + id).param("amount", "99"))
          .andExpect(status().isUnprocessableContent())
          .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
          .andExpect(jsonPath("$.status").value(422))
          .andExpect(jsonPath("$.detail").value("This request was used with a different request."))
          .andExpect(jsonPath("$.instance").value("/quotes/" + id));
    }

    @Test
    void aDuplicateWhileTheFirstCallRunsIs409WithRetryAfter() throws Exception {
      String id = UUID.randomUUID().toString();
      CountDownLatch entered = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      quotes.hold(entered, release);
      CompletableFuture<MvcResult> first = CompletableFuture.supplyAsync(() -> {
        try {
          return mvc.perform(post("/quotes/" + id).param("amount", "5")).andReturn();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      try {
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        mvc.perform(post("/quotes/" + id).param("amount", "5"))
            .andExpect(status().isConflict())
            .andExpect(header().string("Retry-After", "1"))
            .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
            .andExpect(jsonPath("$.status").value(409));
      } finally {
        release.countDown();
      }
      assertThat(first.get(10, TimeUnit.SECONDS).getResponse().getStatus()).isEqualTo(200);
    }
  }

  /** A Redis that is not there: the start-up check is off so the application starts without it. */
  @Nested
  @SpringBootTest(classes = QuoteApp.class, properties = {"idempotency.startup-check=false",
      "idempotency.redis.connect-timeout=500ms", "idempotency.redis.timeout=500ms"})
  @AutoConfigureMockMvc
  class WithTheStoreDown {
    @Autowired
    MockMvc mvc;

    @org.springframework.test.context.DynamicPropertySource
    static void redis(org.springframework.test.context.DynamicPropertyRegistry registry) {
      registry.add("idempotency.redis.url", () -> "redis://127.0.0.1:" + RedisProcess.freePort());
    }

    @Test
    void theStoreUnavailableIs503WithRetryAfterAndNoInternals() throws Exception {
      mvc.perform(post("/quotes/q1").param("amount", "1"))
          .andExpect(status().isServiceUnavailable())
          .andExpect(header().string("Retry-After", "1"))
          .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
          .andExpect(jsonPath("$.detail").value("The request could not be made idempotent right now; retry later."))
          .andExpect(content().string(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsStringIgnoringCase("redis"))));
    }
  }

  /** The application's own handler for the exception answers, not the library's. */
  @Nested
  @SpringBootTest(classes = QuoteApp.class, properties = "idempotency.backend=memory")
  @AutoConfigureMockMvc
  @Import(ApplicationsOwnAdvice.Advice.class)
  class ApplicationsOwnAdvice {
    @Autowired
    MockMvc mvc;

    @RestControllerAdvice
    static class Advice {
      @ExceptionHandler(KeyReusedException.class)
      ResponseEntity<String> reused(KeyReusedException e) {
        return ResponseEntity.status(HttpStatus.I_AM_A_TEAPOT).body("the application's answer");
      }
    }

    @Test
    void theApplicationsExceptionHandlerWins() throws Exception {
      String id = UUID.randomUUID().toString();
      mvc.perform(post("/quotes/" + id).param("amount", "1")).andExpect(status().isOk());
      mvc.perform(post("/quotes/" + id).param("amount", "2"))
          .andExpect(status().isIAmATeapot())
          .andExpect(content().string("the application's answer"));
    }
  }

  @Nested
  @SpringBootTest(classes = QuoteApp.class, properties = {"idempotency.backend=memory",
      "idempotency.web.problem-details=false"})
  @AutoConfigureMockMvc
  class TurnedOff {
    @Autowired
    MockMvc mvc;

    @Test
    void theExceptionReachesSpringsOwnHandlingUnchanged() {
      String id = UUID.randomUUID().toString();
      try {
        mvc.perform(post("/quotes/" + id).param("amount", "1"));
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      // MockMvc rethrows what no resolver handled; a servlet container would answer 500.
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> mvc.perform(post("/quotes/" + id).param("amount", "2")))
          .hasRootCauseInstanceOf(KeyReusedException.class);
    }
  }
}
