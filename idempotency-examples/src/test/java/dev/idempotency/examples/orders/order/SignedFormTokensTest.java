package dev.idempotency.examples.orders.order;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Signed form tokens verify for their user until they expire, and for nobody else. */
class SignedFormTokensTest {
  private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

  @Test
  void everyIssuedTokenVerifiesForItsUserOnlyUntilItExpiresWhateverCharactersItsSignatureHolds() {
    SignedFormTokens tokens = new SignedFormTokens("", Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(30));
    SignedFormTokens later = new SignedFormTokens("", Clock.fixed(NOW.plus(Duration.ofMinutes(31)), ZoneOffset.UTC),
        Duration.ofMinutes(30));
    int withUnderscore = 0;
    for (int i = 0; i < 500; i++) {
      String token = tokens.issue("u" + i);
      assertThat(token).matches("[A-Za-z0-9_-]{1,64}");
      assertThat(tokens.isSigned(token)).isTrue();
      assertThat(tokens.valid("u" + i, token)).as(token).isTrue();
      assertThat(tokens.valid("other", token)).isFalse();
      withUnderscore += token.substring(token.lastIndexOf('_', token.length() - 23) + 1).contains("_") ? 1 : 0;
    }
    assertThat(withUnderscore).as("signatures with an underscore were among them").isPositive();
    String token = tokens.issue("u1");
    assertThat(tokens.valid("u1", token.substring(0, token.length() - 1) + (token.endsWith("A") ? "B" : "A"))).isFalse();
    assertThat(later.valid("u1", token)).as("another process's key").isFalse();
    SignedFormTokens sameKeyLater = new SignedFormTokens("shared-secret", Clock.fixed(NOW.plus(Duration.ofMinutes(31)),
        ZoneOffset.UTC), Duration.ofMinutes(30));
    String shared = new SignedFormTokens("shared-secret", Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(30))
        .issue("u1");
    assertThat(sameKeyLater.valid("u1", shared)).as("expired").isFalse();
    assertThat(new SignedFormTokens("shared-secret", Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(30))
        .valid("u1", shared)).as("another instance with the same secret").isTrue();
    assertThat(tokens.isSigned("0123456789abcdef0123456789abcdef")).isFalse();
    // The store's tokens share the alphabet: one that starts with s and holds a _ is still the store's.
    String storeToken = dev.idempotency.token.OneTimeTokens.builder(dev.idempotency.memory.InMemoryBackend.create()
        .tokenStore()).build().issue(dev.idempotency.Scope.of("t"));
    assertThat(tokens.isSigned(storeToken)).isFalse();
    assertThat(tokens.isSigned("s_23456789abcdef0123456789abcdef")).as("the store's shape").isFalse();
    assertThat(tokens.valid("u1", "garbage")).isFalse();
  }
}
