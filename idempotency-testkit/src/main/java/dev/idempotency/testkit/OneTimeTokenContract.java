package dev.idempotency.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.InvalidInputException;
import dev.idempotency.Scope;
import dev.idempotency.spi.MarkStore;
import dev.idempotency.token.OneTimeTokens;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The contract of one-time tokens (docs/contract.md, section 3), run by every backend: extend it and
 * implement {@link #newClient()} and {@link #advance}.
 */
public abstract class OneTimeTokenContract extends ContractSupport {

  /** For subclasses: a backend's fixture or test class. */
  protected OneTimeTokenContract() {}

  /**
   * A new, independent client of the backend under test, sharing its data.
   *
   * @return the client (by default, one of {@link #fixture()})
   */
  protected MarkStore newClient() {
    return fixture().newClient().tokenStore();
  }

  private OneTimeTokens tokens() {
    return OneTimeTokens.builder(newClient()).ttl(Duration.ofMinutes(10)).build();
  }

  private Scope scope() {
    return Scope.of(ns, "user-1");
  }

  @Test
  void tokensAreUrlSafeUnguessableAndDistinct() {
    OneTimeTokens tokens = tokens();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String t = tokens.issue(scope());
      assertThat(t).matches("[A-Za-z0-9_-]{32}");
      assertThat(seen.add(t)).isTrue();
    }
    assertThat(OneTimeTokens.TOKEN_BITS).isGreaterThanOrEqualTo(128);
  }

  @Test
  void aTokenIsConsumedExactlyOnce() {
    String t = tokens().issue(scope());
    assertThat(tokens().consume(scope(), t)).isTrue();
    assertThat(tokens().consume(scope(), t)).isFalse();
    assertThat(tokens().consume(scope(), t)).isFalse();
  }

  @Test
  void sixtyFourRacingConsumersOnSeveralClientsHaveExactlyOneWinner() throws Exception {
    List<OneTimeTokens> clients = List.of(tokens(), tokens(), tokens(), tokens());
    for (int round = 0; round < 5; round++) {
      String t = clients.get(0).issue(scope());
      List<Race.Outcome<Boolean>> outcomes = Race.run(64, i -> () -> clients.get(i % 4).consume(scope(), t));
      assertThat(outcomes).allSatisfy(o -> assertThat(o.failure()).isNull());
      assertThat(outcomes.stream().filter(Race.Outcome::value).count()).isEqualTo(1);
    }
  }

  @Test
  void aTokenOfAnotherScopeIsNotValidAndIsNotUsedUp() {
    String t = tokens().issue(scope());
    assertThat(tokens().consume(Scope.of(ns, "user-2"), t)).isFalse();
    assertThat(tokens().consume(Scope.of(ns), t)).isFalse();
    assertThat(tokens().consume(Scope.of(ns + "x", "user-1"), t)).isFalse();
    assertThat(tokens().consume(scope(), t)).isTrue();
  }

  @Test
  void unknownAndMalformedTokensAreNotValid() {
    tokens().issue(scope());
    assertThat(tokens().consume(scope(), "A".repeat(32))).isFalse();
    assertThat(tokens().consume(scope(), "")).isFalse();
    assertThat(tokens().consume(scope(), "short")).isFalse();
    assertThat(tokens().consume(scope(), "!".repeat(32))).isFalse();
    assertThat(tokens().consume(scope(), "x".repeat(10_000))).isFalse();
  }

  @Test
  void aTokenIsValidUntilItsTtlAndNotAfter() throws Exception {
    OneTimeTokens tokens = tokens();
    String kept = tokens.issue(scope(), SHORT);
    String expired = tokens.issue(scope(), SHORT);
    advance(SHORT.dividedBy(3));
    assertThat(tokens.consume(scope(), kept)).isTrue();
    advance(PAST_SHORT);
    assertThat(tokens.consume(scope(), expired)).isFalse();
  }

  @Test
  void badInputIsATypedError() {
    OneTimeTokens tokens = tokens();
    assertThatThrownBy(() -> tokens.issue(null)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> tokens.issue(scope(), Duration.ZERO)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> tokens.issue(scope(), Duration.ofSeconds(-1))).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> tokens.consume(null, "x")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> tokens.consume(scope(), null)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> OneTimeTokens.builder(newClient()).ttl(Duration.ZERO)).isInstanceOf(InvalidInputException.class);
  }
}
