package dev.idempotency.examples.orders.order;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.Scope;
import dev.idempotency.memory.InMemoryBackend;
import dev.idempotency.token.OneTimeTokens;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Signed form tokens verify for their user until they expire, and for nobody else; their nonce is the store's token. */
class SignedFormTokensTest {
  private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
  private static final OneTimeTokens STORE = OneTimeTokens.builder(InMemoryBackend.create().tokenStore()).build();

  @Test
  void everyIssuedTokenVerifiesForItsUserOnlyUntilItExpiresAndCarriesTheStoresTokenAsItsNonce() {
    SignedFormTokens tokens = new SignedFormTokens("", Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(30));
    SignedFormTokens later = new SignedFormTokens("", Clock.fixed(NOW.plus(Duration.ofMinutes(31)), ZoneOffset.UTC),
        Duration.ofMinutes(30));
    for (int i = 0; i < 500; i++) {
      String nonce = i % 2 == 0 ? STORE.issue(Scope.of("t")) : null;
      String token = tokens.issue("u" + i, nonce);
      assertThat(token).matches("[A-Za-z0-9_-]{1,64}");
      String verified = tokens.verifiedNonce("u" + i, token);
      assertThat(verified).as(token).isNotNull().isEqualTo(SignedFormTokens.nonce(token));
      if (nonce != null) {
        assertThat(verified).isEqualTo(nonce);
      } else {
        assertThat(OneTimeTokens.isWellFormed(verified)).as("a nonce of the store's shape").isTrue();
      }
      assertThat(tokens.verifiedNonce("other", token)).isNull();
    }
    String token = tokens.issue("u1", null);
    assertThat(tokens.verifiedNonce("u1", token.substring(0, token.length() - 1) + (token.endsWith("A") ? "B" : "A")))
        .isNull();
    String otherNonce = STORE.issue(Scope.of("t"));
    String swapped = token.substring(0, token.length() - 22 - 32) + otherNonce + token.substring(token.length() - 22);
    assertThat(tokens.verifiedNonce("u1", swapped)).as("another nonce under the same signature").isNull();
    assertThat(later.verifiedNonce("u1", token)).as("another process's key").isNull();
    SignedFormTokens sameKeyLater = new SignedFormTokens("shared-secret", Clock.fixed(NOW.plus(Duration.ofMinutes(31)),
        ZoneOffset.UTC), Duration.ofMinutes(30));
    String shared = new SignedFormTokens("shared-secret", Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(30))
        .issue("u1", null);
    assertThat(sameKeyLater.verifiedNonce("u1", shared)).as("expired").isNull();
    assertThat(new SignedFormTokens("shared-secret", Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(30))
        .verifiedNonce("u1", shared)).as("another instance with the same secret").isNotNull();
    assertThat(tokens.verifiedNonce("u1", "garbage")).isNull();
    assertThat(tokens.verifiedNonce("u1", STORE.issue(Scope.of("t")))).as("a bare store token").isNull();
    assertThat(tokens.verifiedNonce("u1", null)).isNull();
    assertThat(tokens.verifiedNonce("u1", "s" + "_".repeat(60))).isNull();
  }
}
