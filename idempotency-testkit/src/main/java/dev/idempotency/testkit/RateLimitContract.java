package dev.idempotency.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.InvalidInputException;
import dev.idempotency.ratelimit.RateLimit;
import dev.idempotency.ratelimit.RateLimitDecision;
import dev.idempotency.ratelimit.RateLimiter;
import dev.idempotency.spi.RateLimitStore;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The contract of rate limits (docs/contract.md, section 12), run by every backend: extend it and
 * implement {@link #newClient()} and {@link #advance}. Tests that let permits come back use
 * intervals of a few hundred milliseconds, so that a server backend can sleep through them.
 */
public abstract class RateLimitContract extends ContractSupport {

  /** For subclasses: a backend's fixture or test class. */
  protected RateLimitContract() {}

  /**
   * A new, independent client of the backend under test, sharing its data.
   *
   * @return the client (by default, one of {@link #fixture()})
   */
  protected RateLimitStore newClient() {
    return fixture().newClient().rateLimitStore();
  }

  private RateLimiter.Builder limiter(String name) {
    return RateLimiter.builder(newClient(), ns + "-" + name);
  }

  @Test
  void aFreshKeyGetsItsBurstThenIsRefusedWithTheTimeToWait() {
    RateLimiter l = limiter("burst").limit(3, Duration.ofMinutes(10)).build();
    for (int i = 0; i < 3; i++) {
      assertThat(l.tryAcquire("alice").allowed()).isTrue();
    }
    RateLimitDecision refused = l.tryAcquire("alice");
    assertThat(refused.allowed()).isFalse();
    // One permit comes back every 200 s.
    assertThat(refused.retryAfter()).isBetween(Duration.ofSeconds(150), Duration.ofSeconds(200));
    assertThat(refused.retryAfterSeconds()).isBetween(150L, 200L);
    assertThat(l.tryAcquire("bob").allowed()).isTrue();
  }

  @Test
  void sixteenThreadsOnFourClientsGetExactlyThePermitsOfTheWindow() throws Exception {
    List<RateLimiter> clients = List.of(limiter("storm").limit(10, Duration.ofMinutes(10)).build(),
        limiter("storm").limit(10, Duration.ofMinutes(10)).build(),
        limiter("storm").limit(10, Duration.ofMinutes(10)).build(),
        limiter("storm").limit(10, Duration.ofMinutes(10)).build());
    List<Race.Outcome<Integer>> outcomes = Race.run(16, i -> () -> {
      int allowed = 0;
      for (int n = 0; n < 10; n++) {
        if (clients.get(i % 4).tryAcquire(RateLimiter.GLOBAL).allowed()) {
          allowed++;
        }
      }
      return allowed;
    });
    assertThat(outcomes).allSatisfy(o -> assertThat(o.failure()).isNull());
    assertThat(outcomes.stream().mapToInt(Race.Outcome::value).sum()).isEqualTo(10);
  }

  @Test
  void sixteenThreadsFirstSeeingFortyKeysTogetherAllGetAnAnswer() throws Exception {
    // Every call on a key nobody has used yet creates its state: racing creators must not fail
    // (on InnoDB a locking read of a missing row followed by an insert deadlocks).
    List<RateLimiter> clients = List.of(limiter("new-keys").limit(3, Duration.ofMinutes(10)).build(),
        limiter("new-keys").limit(3, Duration.ofMinutes(10)).build(),
        limiter("new-keys").limit(3, Duration.ofMinutes(10)).build(),
        limiter("new-keys").limit(3, Duration.ofMinutes(10)).build());
    java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(16);
    List<Race.Outcome<Integer>> outcomes = Race.run(16, i -> () -> {
      int allowed = 0;
      for (int n = 0; n < 40; n++) {
        together.await(10, java.util.concurrent.TimeUnit.SECONDS);
        if (clients.get(i % 4).tryAcquire("user-" + n).allowed()) {
          allowed++;
        }
      }
      return allowed;
    });
    assertThat(outcomes).allSatisfy(o -> assertThat(o.failure()).isNull());
    assertThat(outcomes.stream().mapToInt(Race.Outcome::value).sum()).isEqualTo(40 * 3);
  }

  @Test
  void aPermitComesBackAfterItsInterval() throws Exception {
    RateLimiter l = limiter("refill").limit(2, Duration.ofMillis(1200)).build();
    assertThat(l.tryAcquire("k").allowed()).isTrue();
    assertThat(l.tryAcquire("k").allowed()).isTrue();
    RateLimitDecision refused = l.tryAcquire("k");
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.retryAfter()).isLessThanOrEqualTo(Duration.ofMillis(600));
    advance(Duration.ofMillis(700));
    assertThat(l.tryAcquire("k").allowed()).isTrue();
    assertThat(l.tryAcquire("k").allowed()).isFalse();
  }

  @Test
  void allTiersGrantOrNoneIsCharged() throws Exception {
    // 2 per 1.2 s and 3 per 10 minutes: the third request is refused by the first tier alone, and
    // must not use up the second tier's last permit.
    RateLimiter l = limiter("tiers").limit(2, Duration.ofMillis(1200)).limit(3, Duration.ofMinutes(10)).build();
    assertThat(l.tryAcquire("k").allowed()).isTrue();
    assertThat(l.tryAcquire("k").allowed()).isTrue();
    assertThat(l.tryAcquire("k").allowed()).isFalse();
    advance(Duration.ofMillis(700));
    assertThat(l.tryAcquire("k").allowed()).isTrue();
    advance(Duration.ofMillis(700));
    RateLimitDecision byTheLongTier = l.tryAcquire("k");
    assertThat(byTheLongTier.allowed()).isFalse();
    assertThat(byTheLongTier.retryAfter()).isGreaterThan(Duration.ofSeconds(60));
  }

  @Test
  void severalPermitsAtOnceAreAllOrNothing() {
    RateLimiter l = limiter("multi").limit(5, Duration.ofMinutes(10)).build();
    assertThat(l.tryAcquire("k", 3).allowed()).isTrue();
    assertThat(l.tryAcquire("k", 3).allowed()).isFalse();
    assertThat(l.tryAcquire("k", 2).allowed()).isTrue();
    assertThat(l.tryAcquire("k").allowed()).isFalse();
  }

  @Test
  void keysAndLimitersAreIsolated() {
    RateLimiter a = limiter("a").limit(1, Duration.ofMinutes(10)).build();
    RateLimiter b = limiter("b").limit(1, Duration.ofMinutes(10)).build();
    assertThat(a.tryAcquire("alice").allowed()).isTrue();
    assertThat(a.tryAcquire("alice").allowed()).isFalse();
    assertThat(a.tryAcquire("Alice").allowed()).isTrue();
    assertThat(a.tryAcquire("bob").allowed()).isTrue();
    assertThat(b.tryAcquire("alice").allowed()).isTrue();
    assertThat(a.tryAcquire("10.0.0.1").allowed()).isTrue();
  }

  @Test
  void badInputIsATypedErrorAndTakesNoPermit() {
    RateLimiter l = limiter("bad").limit(2, Duration.ofMinutes(10)).build();
    assertThatThrownBy(() -> l.tryAcquire(null)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> l.tryAcquire(" ")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> l.tryAcquire("a\u0007b")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> l.tryAcquire("x".repeat(257))).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> l.tryAcquire("k", 0)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> l.tryAcquire("k", 3)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> RateLimit.of(0, Duration.ofSeconds(1))).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> RateLimit.of(1, Duration.ZERO)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> RateLimit.of(1, Duration.ofSeconds(-1))).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> RateLimit.of(1, null)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> RateLimit.of(2_000_000, Duration.ofSeconds(1))).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> RateLimit.of(1, Duration.ofDays(100_000))).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> limiter("empty").build()).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> RateLimiter.builder(newClient(), "bad name")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> RateLimiter.builder(null, "n")).isInstanceOf(InvalidInputException.class);
    assertThat(l.tryAcquire("k", 2).allowed()).isTrue();
    assertThat(l.tryAcquire("k").allowed()).isFalse();
  }
}
