package dev.idempotency.token;

import dev.idempotency.IdempotencyEvent;
import dev.idempotency.IdempotencyListener;
import dev.idempotency.InvalidInputException;
import dev.idempotency.Scope;
import dev.idempotency.StoreUnavailableException;
import dev.idempotency.defence.DefenceOutcome;
import dev.idempotency.defence.Layer;
import dev.idempotency.spi.MarkStore;
import dev.idempotency.spi.StoreStep;
import dev.idempotency.spi.support.Hashing;
import dev.idempotency.spi.support.Listeners;
import dev.idempotency.spi.support.Require;
import dev.idempotency.spi.support.StoreCalls;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Random;
import java.util.function.Function;

/**
 * One-time tokens: issue a token for a scope (a form render, a checkout page), accept it exactly once.
 * The classic guard against a double-submitted form.
 *
 * <pre>{@code
 * OneTimeTokens tokens = OneTimeTokens.builder(backend.tokenStore()).ttl(Duration.ofMinutes(30)).build();
 * String token = tokens.issue(Scope.of("checkout", userId));     // render it into the form
 * if (!tokens.consume(Scope.of("checkout", userId), submitted)) { ... reject ... }
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>A token carries {@value #TOKEN_BITS} random bits from a {@link SecureRandom}, written as
 *       {@value #TOKEN_LENGTH} URL-safe Base64 characters.</li>
 *   <li>{@link #consume} returns true for exactly one caller per issued token, atomically on the
 *       backend. A used, expired, unknown or malformed token and a token of another scope all get the
 *       same answer, false, so the answer reveals nothing; a token presented in the wrong scope is not
 *       used up.</li>
 *   <li>The store keeps only a SHA-256 hash of scope and token: a dump of the store cannot be
 *       replayed.</li>
 * </ul>
 *
 * <p>Round trips: issue 1, consume 1 (none for a malformed token). Thread-safe.
 */
public final class OneTimeTokens {
  /** Random bits per token. */
  public static final int TOKEN_BITS = 192;
  /** Characters per token. */
  public static final int TOKEN_LENGTH = 32;

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private final MarkStore store;
  private final Duration ttl;
  private final IdempotencyListener listener;
  private final Random random;

  private OneTimeTokens(Builder b) {
    this.store = b.store;
    this.ttl = b.ttl;
    this.listener = b.listener;
    this.random = b.random;
  }

  /**
   * Starts building on a store.
   *
   * @param store the backend
   * @return a builder
   */
  public static Builder builder(MarkStore store) {
    return new Builder(Require.nonNull(store, "store"));
  }

  /**
   * Issues a token valid for the default TTL.
   *
   * @param scope what the token is for (and whom)
   * @return the token, to hand to the client
   * @throws StoreUnavailableException if the store cannot be reached
   */
  public String issue(Scope scope) {
    return issue(scope, ttl);
  }

  /**
   * Issues a token.
   *
   * @param scope what the token is for (and whom)
   * @param ttl how long it stays valid, positive, at most {@link dev.idempotency.Limits#MAX_STORED_DURATION}
   * @return the token, to hand to the client
   * @throws StoreUnavailableException if the store cannot be reached
   */
  public String issue(Scope scope, Duration ttl) {
    Require.nonNull(scope, "scope");
    Require.storedDuration(ttl, "ttl");
    byte[] bytes = new byte[TOKEN_BITS / 8];
    while (true) {
      random.nextBytes(bytes);
      String token = ENCODER.encodeToString(bytes);
      String key = storageKey(scope, token);
      if (StoreCalls.call(store.name(), "issue token", listener, scope.namespace(), () -> store.mark(key, ttl))) {
        Listeners.report(listener, IdempotencyEvent.TOKEN_ISSUED, scope.namespace());
        return token;
      }
      // A collision of 192 random bits: practically impossible, but never hand out a live token twice.
    }
  }

  /**
   * Consumes a token: true for exactly one caller, false for every other.
   *
   * @param scope the scope the token must have been issued for
   * @param token the presented token
   * @return true if the token was valid and is now used up
   * @throws StoreUnavailableException if the store cannot be reached
   */
  public boolean consume(Scope scope, String token) {
    Require.nonNull(scope, "scope");
    Require.nonNull(token, "token");
    if (!wellFormed(token)) {
      Listeners.report(listener, IdempotencyEvent.TOKEN_REJECTED, scope.namespace());
      return false;
    }
    String key = storageKey(scope, token);
    boolean consumed = StoreCalls.call(store.name(), "consume token", listener, scope.namespace(),
        () -> store.unmark(key));
    Listeners.report(listener, consumed ? IdempotencyEvent.TOKEN_CONSUMED : IdempotencyEvent.TOKEN_REJECTED,
        scope.namespace());
    return consumed;
  }

  /**
   * {@link #consume} as a step its backend can send with others, or null if it cannot or the token
   * is not well-formed ({@link #consume} refuses that without a call).
   */
  StoreStep<Boolean> consumeStep(Scope scope, String token) {
    Require.nonNull(scope, "scope");
    Require.nonNull(token, "token");
    return store.stepRunner() != null && wellFormed(token) ? store.unmarkStep(storageKey(scope, token)) : null;
  }

  /** Whether the store hands out steps ({@link #consumeStep} may return one). */
  boolean hasSteps() {
    return store.stepRunner() != null;
  }

  /** A {@link #consumeStep} whose round trip failed, reported as {@link #consume} reports it. */
  void consumeFailed(Scope scope, RuntimeException failure) {
    if (failure instanceof StoreUnavailableException) {
      Listeners.report(listener, IdempotencyEvent.STORE_UNAVAILABLE, scope.namespace());
    }
  }

  /** What a {@link #consumeStep} answered, reported as {@link #consume} reports it. */
  boolean consumed(Scope scope, boolean reply) {
    Listeners.report(listener, reply ? IdempotencyEvent.TOKEN_CONSUMED : IdempotencyEvent.TOKEN_REJECTED,
        scope.namespace());
    return reply;
  }

  /**
   * Gives back a token that {@link #consume} took for a request that then failed or was stopped by
   * a later check, so that the client's retry of the same request can present it again. The token
   * is live again for this service's TTL. Call it only with a token this service consumed: it makes
   * any well-formed token live.
   *
   * @param scope the scope the token was consumed in
   * @param token the consumed token
   * @return true if the token is live again; false if it was already live (never consumed, or given
   *     back before)
   * @throws InvalidInputException if an argument is null or the token is not well-formed
   * @throws StoreUnavailableException if the store cannot be reached
   */
  public boolean restore(Scope scope, String token) {
    Require.nonNull(scope, "scope");
    Require.nonNull(token, "token");
    Require.argument(wellFormed(token), "token", "is not a token this service issues");
    String key = storageKey(scope, token);
    return StoreCalls.call(store.name(), "restore token", listener, scope.namespace(), () -> store.mark(key, ttl));
  }

  /**
   * Checks that the token store answers, with one round trip that changes nothing (it consumes a
   * fresh random token that was never issued). For a request that presents no token: with the store
   * down, the client could not have been issued one, and a layered defence on {@code SKIP} should
   * let its later layers decide rather than refuse it.
   *
   * @param scope the scope
   * @throws StoreUnavailableException if the store cannot be reached
   */
  public void checkAvailable(Scope scope) {
    Require.nonNull(scope, "scope");
    byte[] bytes = new byte[TOKEN_BITS / 8];
    random.nextBytes(bytes);
    String key = storageKey(scope, ENCODER.encodeToString(bytes));
    StoreCalls.call(store.name(), "check the token store", listener, scope.namespace(), () -> store.unmark(key));
  }

  /**
   * Whether a presented value has the shape of a token (its length and URL-safe alphabet); a value
   * that has not is never valid and is refused without a round trip.
   *
   * @param token the presented value, may be null
   * @return true if it could be a token
   */
  public static boolean isWellFormed(String token) {
    return token != null && wellFormed(token);
  }

  private static boolean wellFormed(String token) {
    if (token.length() != TOKEN_LENGTH) {
      return false;
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static String storageKey(Scope scope, String token) {
    return scope.canonical() + Hashing.sha256Hex(scope.canonical() + token);
  }

  /** Builds {@link OneTimeTokens}; not thread-safe. */
  public static final class Builder {
    private final MarkStore store;
    private Duration ttl = Duration.ofHours(1);
    private IdempotencyListener listener = IdempotencyListener.NOOP;
    private Random random = new SecureRandom();

    private Builder(MarkStore store) {
      this.store = store;
    }

    /**
     * Sets the default validity of issued tokens (default one hour).
     *
     * @param ttl positive, at most {@link dev.idempotency.Limits#MAX_STORED_DURATION}
     * @return this builder
     */
    public Builder ttl(Duration ttl) {
      this.ttl = Require.storedDuration(ttl, "ttl");
      return this;
    }

    /**
     * Sets the listener.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(IdempotencyListener listener) {
      this.listener = Require.nonNull(listener, "listener");
      return this;
    }

    /**
     * Replaces the source of randomness (default a {@link SecureRandom}); for tests only.
     *
     * @param random the source
     * @return this builder
     */
    public Builder random(Random random) {
      this.random = Require.nonNull(random, "random");
      return this;
    }

    /**
     * Builds the token service.
     *
     * @return the service
     */
    public OneTimeTokens build() {
      return new OneTimeTokens(this);
    }
  }

  /**
   * This service as a layer of a {@link dev.idempotency.defence.LayeredDefence}: it consumes the
   * request's one-time token before letting the request through; a token that is not valid stops it
   * ({@link DefenceOutcome.Reason#TOKEN_NOT_VALID}). The token stays used up once the inner layers
   * and the action have run to an outcome; if they stop the request or throw, it is given back
   * ({@link #restore}), so that the client's retry of that same request (the same token, often the
   * same {@code Idempotency-Key}) is not refused because its first attempt used the token. A failure
   * to give it back is added to the inner exception as suppressed, or logged after a stop. A request
   * without a well-formed token costs one round trip that checks the store answers: with the store
   * down, the layer fails like any other (on {@code SKIP}, the later layers decide).
   *
   * @param <R> the request type
   * @param <T> the result type
   * @param scope the scope the token was issued for
   * @param token the presented token (null counts as not valid)
   * @return the layer, named {@code "token"}; thread-safe
   * @throws InvalidInputException if an argument is null
   */
  public <R, T> Layer<R, T> asLayer(Function<? super R, Scope> scope, Function<? super R, String> token) {
    return new TokenLayer<>(this, Require.nonNull(scope, "scope"), Require.nonNull(token, "token"));
  }
}
