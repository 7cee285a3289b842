package dev.idempotency.ratelimit;

import dev.idempotency.InvalidInputException;
import dev.idempotency.StoreUnavailableException;
import dev.idempotency.defence.DefenceOutcome;
import dev.idempotency.defence.Layer;
import dev.idempotency.spi.RateLimitStore;
import dev.idempotency.spi.StoreStep;
import dev.idempotency.spi.support.Require;
import dev.idempotency.spi.support.StoreCalls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Rate limits per key (a user, an IP, a product) with several tiers at once, by the Generic Cell
 * Rate Algorithm (GCRA, the algorithm of ATM networks and of {@code redis-cell}): a token bucket
 * without a refill loop, kept as one timestamp per tier.
 *
 * <pre>{@code
 * RateLimiter perUser = RateLimiter.builder(backend.rateLimitStore(), "submit")
 *     .limit(1, Duration.ofMinutes(1))
 *     .limit(5, Duration.ofMinutes(5))
 *     .limit(10, Duration.ofMinutes(20))
 *     .build();
 * RateLimitDecision d = perUser.tryAcquire(userId);
 * if (!d.allowed()) {
 *   response.setHeader("Retry-After", String.valueOf(d.retryAfterSeconds()));   // 429
 * }
 * RateLimiter overall = RateLimiter.builder(backend.rateLimitStore(), "submit-all")
 *     .limit(100, Duration.ofSeconds(1)).build();
 * overall.tryAcquire(RateLimiter.GLOBAL);
 * }</pre>
 *
 * <h2>The rule</h2>
 * Each tier of {@code permits} per {@code period} has an interval {@code I = period / permits} and
 * a capacity {@code C = permits * I}. Per key and tier the backend keeps a theoretical arrival time
 * {@code TAT}. A request for {@code n} permits at time {@code now} computes, per tier,
 * {@code next = max(TAT, now) + n * I}; it is granted if {@code next - now <= C} in every tier, and
 * then every tier stores its {@code next}; otherwise nothing is stored and the caller learns the
 * time until all tiers would grant it. So a fresh key gets a burst of {@code permits}, then one
 * permit every {@code I}; in any window of one period at most {@code 2 * permits - 1} are granted,
 * and over a long run at most {@code permits} per period.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>All tiers of a key are decided in one atomic step: a refusal by one tier takes nothing from
 *       the others. On Redis it is one round trip (a Lua script on one key, Cluster-safe) on the
 *       server's clock; in memory it is lock-free (a compare-and-set per key) on the injected time
 *       source; on JDBC it is one short transaction on the key's row, on the database's clock.</li>
 *   <li>Different limiters (a per-user one and a global one) are separate steps: check the narrower
 *       one first. A request refused by the second still spent its permit of the first, which
 *       counts floods against the flooder.</li>
 *   <li>State expires by itself once a key is idle for its longest period.</li>
 * </ul>
 * Thread-safe.
 */
public final class RateLimiter {
  /** The key of a limit over all requests. */
  public static final String GLOBAL = "*";
  private static final int MAX_TIERS = 8;

  private final RateLimitStore store;
  private final String name;
  private final List<RateLimit> limits;
  private final List<RateLimitStore.Tier> tiers;
  private final long maxPermits;

  private RateLimiter(Builder b) {
    this.store = b.store;
    this.name = b.name;
    this.limits = List.copyOf(b.limits);
    List<RateLimitStore.Tier> t = new ArrayList<>();
    long max = Long.MAX_VALUE;
    for (RateLimit l : limits) {
      t.add(new RateLimitStore.Tier(l.intervalMicros(), l.intervalMicros() * l.permits()));
      max = Math.min(max, l.permits());
    }
    this.tiers = List.copyOf(t);
    this.maxPermits = max;
  }

  /**
   * Starts building a limiter.
   *
   * @param store for example {@code backend.rateLimitStore()}
   * @param name the limiter's name, an identifier; limiters with one name share their state
   * @return a builder
   */
  public static Builder builder(RateLimitStore store, String name) {
    return new Builder(Require.nonNull(store, "store"), Require.identifier(name, "name", 64));
  }

  /**
   * The limiter's name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The tiers, in the order given.
   *
   * @return the tiers
   */
  public List<RateLimit> limits() {
    return limits;
  }

  /**
   * Takes one permit for a key, if every tier grants it.
   *
   * @param key the limited key (a user id, an IP, {@link #GLOBAL}); 1 to 256 characters of text
   *     without control characters
   * @return allowed, or refused with the time until it would be allowed
   * @throws InvalidInputException if the key is malformed
   * @throws StoreUnavailableException if the backend cannot be reached
   */
  public RateLimitDecision tryAcquire(String key) {
    return tryAcquire(key, 1);
  }

  /**
   * Takes permits for a key, if every tier grants them all.
   *
   * @param key the limited key
   * @param permits 1 to the smallest tier's permits (more could never be granted)
   * @return allowed, or refused with the time until it would be allowed
   * @throws InvalidInputException if an argument is malformed
   * @throws StoreUnavailableException if the backend cannot be reached
   */
  public RateLimitDecision tryAcquire(String key, long permits) {
    String k = Require.keyText(key, "key", 256);
    Require.argument(permits > 0 && permits <= maxPermits, "permits",
        "must be 1 to " + maxPermits + " (the smallest tier), was " + permits);
    long wait = StoreCalls.call(store.name(), "rate-limit", () -> store.acquire(name + ':' + k, tiers, permits));
    return decision(wait);
  }

  /**
   * {@link #tryAcquire(String)} as a step its backend can send with others, or null if it cannot.
   *
   * @throws InvalidInputException if the key is malformed
   */
  StoreStep<Long> acquireStep(String key) {
    if (store.stepRunner() == null) {
      return null;
    }
    String k = Require.keyText(key, "key", 256);
    return store.acquireStep(name + ':' + k, tiers, 1);
  }

  /** Whether the store hands out steps ({@link #acquireStep} may return one). */
  boolean hasSteps() {
    return store.stepRunner() != null;
  }

  /** The decision for what the store answered: 0 (granted) or the microseconds to wait. */
  static RateLimitDecision decision(long wait) {
    return wait <= 0 ? RateLimitDecision.ALLOWED : new RateLimitDecision(false, Duration.ofNanos(wait * 1_000L));
  }

  /** Builds a {@link RateLimiter}; not thread-safe. */
  public static final class Builder {
    private final RateLimitStore store;
    private final String name;
    private final List<RateLimit> limits = new ArrayList<>();

    private Builder(RateLimitStore store, String name) {
      this.store = store;
      this.name = name;
    }

    /**
     * Adds a tier.
     *
     * @param limit the tier
     * @return this builder
     */
    public Builder limit(RateLimit limit) {
      Require.nonNull(limit, "limit");
      Require.argument(limits.size() < MAX_TIERS, "limit", "at most " + MAX_TIERS + " tiers");
      limits.add(limit);
      return this;
    }

    /**
     * Adds a tier of {@code permits} per {@code period}.
     *
     * @param permits how many
     * @param period per how long
     * @return this builder
     */
    public Builder limit(long permits, Duration period) {
      return limit(RateLimit.of(permits, period));
    }

    /**
     * Builds the limiter.
     *
     * @return the limiter
     * @throws InvalidInputException if no tier was added
     */
    public RateLimiter build() {
      Require.argument(!limits.isEmpty(), "limit", "add at least one tier");
      return new RateLimiter(this);
    }
  }

  /**
   * This limiter as a layer of a {@link dev.idempotency.defence.LayeredDefence}: it takes a permit
   * before letting the request through; a refusal stops it ({@link DefenceOutcome.Reason#RATE_LIMITED})
   * with the time until a permit comes back ({@link DefenceOutcome.Stopped#retryAfterTime()}, for
   * {@code Retry-After}). Put a per-user layer before a global one, and both after the idempotent
   * call's layer, so that a retry of a stored request is replayed without spending a permit.
   *
   * @param <R> the request type
   * @param <T> the result type
   * @param key the limited key of a request (a user id, an IP, or {@link #GLOBAL})
   * @return the layer, named {@code "rate-limit:<limiter name>"}; thread-safe
   * @throws InvalidInputException if the key function is null
   */
  public <R, T> Layer<R, T> asLayer(Function<? super R, String> key) {
    return new RateLimitLayer<>(this, Require.nonNull(key, "key"));
  }
}
