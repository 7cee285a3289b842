package dev.idempotency.spring.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

/** The Idempotency-Key contract through MockMvc, on the in-memory backend. */
@SpringBootTest(classes = WebApp.class, properties = "idempotency.backend=memory")
@AutoConfigureMockMvc
class IdempotencyKeyMockMvcTest {
  @Autowired
  MockMvc mvc;

  private static final String BODY = "{\"product\":\"book\",\"quantity\":2}";

  @Test
  void theFirstRequestIsStoredAndARepeatReplaysItWithTheReplayedHeader() throws Exception {
    String key = UUID.randomUUID().toString();
    MvcResult first = mvc.perform(post("/orders").header("Idempotency-Key", key)
            .contentType(MediaType.APPLICATION_JSON).content(BODY))
        .andExpect(status().isCreated())
        .andExpect(header().doesNotExist("Idempotent-Replayed"))
        .andExpect(jsonPath("$.product").value("book"))
        .andReturn();
    String location = first.getResponse().getHeader("Location");
    mvc.perform(post("/orders").header("Idempotency-Key", key).contentType(MediaType.APPLICATION_JSON).content(BODY))
        .andExpect(status().isCreated())
        .andExpect(header().string("Idempotent-Replayed", "true"))
        .andExpect(header().string("Location", location))
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
        .andExpect(content().string(first.getResponse().getContentAsString()));
  }

  @Test
  void aMissingKeyIs400AsProblemJson() throws Exception {
    mvc.perform(post("/orders").contentType(MediaType.APPLICATION_JSON).content(BODY))
        .andExpect(status().isBadRequest())
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.status").value(400))
        .andExpect(jsonPath("$.title").value("Bad Request"))
        .andExpect(jsonPath("$.instance").value("/orders"));
  }

  @Test
  void twoKeyHeadersAre400AndNothingRuns() throws Exception {
    String key = UUID.randomUUID().toString();
    mvc.perform(post("/orders").header("Idempotency-Key", key, UUID.randomUUID().toString())
            .contentType(MediaType.APPLICATION_JSON).content(BODY))
        .andExpect(status().isBadRequest())
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.detail").value("Send one Idempotency-Key header; this request has 2."));
    mvc.perform(post("/orders").header("Idempotency-Key", key).contentType(MediaType.APPLICATION_JSON).content(BODY))
        .andExpect(status().isCreated())
        .andExpect(header().doesNotExist("Idempotent-Replayed"));
  }

  @Test
  void aMalformedKeyIs400() throws Exception {
    mvc.perform(post("/orders").header("Idempotency-Key", "x".repeat(300))
            .contentType(MediaType.APPLICATION_JSON).content(BODY))
        .andExpect(status().isBadRequest())
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON));
  }

  @Test
  void theSameKeyWithAnotherBodyIs422() throws Exception {
    String key = UUID.randomUUID().toString();
    mvc.perform(post("/orders").header("Idempotency-Key", key).contentType(MediaType.APPLICATION_JSON).content(BODY))
        .andExpect(status().isCreated());
    mvc.perform(post("/orders").header("Idempotency-Key", key).contentType(MediaType.APPLICATION_JSON)
            .content("{\"product\":\"book\",\"quantity\":3}"))
        .andExpect(status().isUnprocessableContent())
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.status").value(422));
  }

  @Test
  void aServerErrorIsNotStoredSoTheRetryRuns() throws Exception {
    String key = UUID.randomUUID().toString();
    mvc.perform(post("/flaky/1").header("Idempotency-Key", key)).andExpect(status().isServiceUnavailable());
    mvc.perform(post("/flaky/1").header("Idempotency-Key", key))
        .andExpect(status().isOk()).andExpect(header().doesNotExist("Idempotent-Replayed"))
        .andExpect(content().string("done 1 after 2"));
    mvc.perform(post("/flaky/1").header("Idempotency-Key", key))
        .andExpect(status().isOk()).andExpect(header().string("Idempotent-Replayed", "true"))
        .andExpect(content().string("done 1 after 2"));
  }

  @Test
  void keysAreScopedByTheAuthenticatedUser() throws Exception {
    String key = UUID.randomUUID().toString();
    MvcResult alice = mvc.perform(post("/orders").header("Idempotency-Key", key).principal(() -> "alice")
        .contentType(MediaType.APPLICATION_JSON).content(BODY)).andExpect(status().isCreated()).andReturn();
    MvcResult bob = mvc.perform(post("/orders").header("Idempotency-Key", key).principal(() -> "bob")
        .contentType(MediaType.APPLICATION_JSON).content(BODY))
        .andExpect(status().isCreated()).andExpect(header().doesNotExist("Idempotent-Replayed")).andReturn();
    assertThat(bob.getResponse().getContentAsString()).isNotEqualTo(alice.getResponse().getContentAsString());
  }

  @Test
  void routesThatDidNotOptInAreUntouched() throws Exception {
    mvc.perform(post("/plain")).andExpect(status().isOk());
    String key = UUID.randomUUID().toString();
    String a = mvc.perform(post("/plain").header("Idempotency-Key", key)).andReturn().getResponse().getContentAsString();
    String b = mvc.perform(post("/plain").header("Idempotency-Key", key)).andReturn().getResponse().getContentAsString();
    assertThat(a).isNotEqualTo(b);
  }
}
