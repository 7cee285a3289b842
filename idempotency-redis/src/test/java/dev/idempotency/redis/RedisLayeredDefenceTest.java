package dev.idempotency.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.CallOptions;
import dev.idempotency.CallResult;
import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.InProgressPolicy;
import dev.idempotency.Scope;
import dev.idempotency.codec.Codecs;
import dev.idempotency.defence.DefenceOutcome;
import dev.idempotency.defence.LayeredDefence;
import dev.idempotency.lock.DistributedLocks;
import dev.idempotency.lock.LockHandle;
import dev.idempotency.lock.LockOptions;
import dev.idempotency.ratelimit.RateLimiter;
import dev.idempotency.testsupport.RedisProcess;
import dev.idempotency.token.OneTimeTokens;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A layered defence's rate limits, token and lock on Redis send their calls in one round trip
 * before the action, and every request ends as it would with one call per layer: a refusal stops
 * where it would, and nothing behind it is taken.
 */
class RedisLayeredDefenceTest {
  record Submit(String user, String token) {}

  private RedisProcess own;
  private final String ns = "form-" + UUID.randomUUID().toString().substring(0, 8);

  @AfterEach
  void stop() {
    if (own != null) {
      own.stop();
    }
  }

  /** The order service's layers: per-user and global rate limits, the form's token, a lock per user. */
  private final class Layers {
    final RedisBackend redis;
    final OneTimeTokens tokens;
    final DistributedLocks locks;
    final RateLimiter user;
    final RateLimiter global;
    final LayeredDefence<Submit, String> defence;

    Layers(RedisBackend redis, long perUserPerMinute, long globalPerMinute) {
      this.redis = redis;
      this.tokens = OneTimeTokens.builder(redis.tokenStore()).build();
      this.locks = DistributedLocks.builder(redis.lockStore()).build();
      this.user = RateLimiter.builder(redis.rateLimitStore(), ns + "-user")
          .limit(perUserPerMinute, Duration.ofMinutes(1)).build();
      this.global = RateLimiter.builder(redis.rateLimitStore(), ns + "-all")
          .limit(globalPerMinute, Duration.ofMinutes(1)).build();
      this.defence = LayeredDefence.<Submit, String>builder("orders")
          .layer(user.asLayer(Submit::user))
          .layer(global.asLayer(s -> RateLimiter.GLOBAL))
          .layer(tokens.asLayer(s -> scope(s.user()), Submit::token))
          .layer(locks.asLayer(s -> lockKey(s.user()), LockOptions.builder().lease(Duration.ofSeconds(30)).build()))
          .build();
    }

    DefenceOutcome<String> submit(String user, String token) {
      return defence.execute(new Submit(user, token), s -> "order of " + s.user());
    }

    String issue(String user) {
      return tokens.issue(scope(user));
    }
  }

  private Scope scope(String user) {
    return Scope.of(ns, user);
  }

  private IdempotencyKey lockKey(String user) {
    return IdempotencyKey.of(ns + "-lock", user);
  }

  private static String stoppedBy(DefenceOutcome<String> o) {
    return o instanceof DefenceOutcome.Stopped<String> s ? s.layer() : "not stopped: " + o;
  }

  @Test
  void aNewRequestIsOneRoundTripBeforeTheActionAndOneAfterIt() {
    own = RedisProcess.start();
    try (RedisBackend redis = RedisBackend.builder().uri(own.uri()).build();
        CommandMonitor admin = new CommandMonitor("127.0.0.1", own.port())) {
      Layers layers = new Layers(redis, 100, 1000);
      assertThat(layers.submit("warm", layers.issue("warm")).value()).contains("order of warm"); // loads the script
      String token = layers.issue("u1");
      DefenceOutcome<String>[] outcome = new DefenceOutcome[1];
      List<String> sent = admin.commandsOf(() -> outcome[0] = layers.submit("u1", token));
      assertThat(outcome[0].value()).contains("order of u1");
      assertThat(sent).as("two rate limits, the token and the lock in one script; then the lock's release")
          .hasSize(2).allSatisfy(c -> assertThat(c).contains("evalsha"));
      layers.locks.close();
    }
  }

  @Test
  void underAClaimTheLocksReleaseGoesWithTheCompletionThreeRoundTripsInAll() {
    own = RedisProcess.start();
    try (RedisBackend redis = RedisBackend.builder().uri(own.uri()).build();
        CommandMonitor admin = new CommandMonitor("127.0.0.1", own.port())) {
      Layers layers = new Layers(redis, 100, 1000);
      IdempotencyEngine engine = IdempotencyEngine.builder(redis.idempotencyStore()).build();
      IdempotencyKey warm = IdempotencyKey.of(ns, "warm");
      engine.execute(warm, Fingerprint.none(), Codecs.string(), c -> layers.submit("warm", layers.issue("warm"))
          .value().orElseThrow()); // loads the scripts
      String token = layers.issue("u5");
      IdempotencyKey key = IdempotencyKey.of(ns, "request-5");
      CallResult<?>[] result = new CallResult<?>[1];
      List<String> sent = admin.commandsOf(() -> result[0] = engine.execute(key, Fingerprint.none(), Codecs.string(),
          c -> layers.submit("u5", token).value().orElseThrow()));
      assertThat(result[0].value()).isEqualTo("order of u5");
      assertThat(sent).as("the claim; the rate limits, token and lock; the lock's release with the completion")
          .hasSize(3).allSatisfy(c -> assertThat(c).contains("evalsha"));
      try (DistributedLocks elsewhere = DistributedLocks.builder(redis.lockStore()).build()) {
        assertThat(elsewhere.tryLock(lockKey("u5"), LockOptions.builder().owner("someone-else").build()))
            .as("released").isPresent();
      }
      CallResult<String> retry = engine.execute(key, Fingerprint.none(), Codecs.string(), c -> "ran again");
      assertThat(retry.replayed()).isTrue();
      assertThat(retry.value()).isEqualTo("order of u5");
      layers.locks.close();
    }
  }

  @Test
  void theIdempotentCallAsTheFirstLayerSendsItsClaimWithTheLayersTwoRoundTripsInAllAndAReplayOne() {
    own = RedisProcess.start();
    try (RedisBackend redis = RedisBackend.builder().uri(own.uri()).build();
        CommandMonitor admin = new CommandMonitor("127.0.0.1", own.port())) {
      Layers layers = new Layers(redis, 1, 1000); // one request per user and minute
      IdempotencyEngine engine = IdempotencyEngine.builder(redis.idempotencyStore()).build();
      LayeredDefence<Submit, String> defence = LayeredDefence.<Submit, String>builder("orders")
          .layer(engine.asLayer(s -> IdempotencyKey.of(ns, "request-" + s.user()), s -> Fingerprint.sha256(s.token()),
              Codecs.string(), CallOptions.builder().inProgress(InProgressPolicy.reject()).build()))
          .layer(layers.user.asLayer(Submit::user))
          .layer(layers.global.asLayer(s -> RateLimiter.GLOBAL))
          .layer(layers.tokens.asLayer(s -> scope(s.user()), Submit::token))
          .layer(layers.locks.asLayer(s -> lockKey(s.user()), LockOptions.builder().lease(Duration.ofSeconds(30))
              .build()))
          .build();
      String warm = layers.issue("warm");
      assertThat(defence.execute(new Submit("warm", warm), s -> "order of warm").value())
          .contains("order of warm"); // loads the scripts
      String token = layers.issue("u6");
      @SuppressWarnings("unchecked")
      DefenceOutcome<String>[] outcome = new DefenceOutcome[1];
      List<String> sent = admin.commandsOf(() -> outcome[0] = defence.execute(new Submit("u6", token),
          s -> "order of " + s.user()));
      assertThat(outcome[0].value()).contains("order of u6");
      assertThat(sent).as("the claim with the rate limits, token and lock; the lock's release with the completion")
          .hasSize(2).allSatisfy(c -> assertThat(c).contains("evalsha"));

      // The user's one permit a minute is spent: a retry that ran the layers would be refused.
      List<String> again = admin.commandsOf(() -> outcome[0] = defence.execute(new Submit("u6", token),
          s -> "ran again"));
      assertThat(outcome[0]).isInstanceOf(DefenceOutcome.Replayed.class);
      assertThat(outcome[0].value()).contains("order of u6");
      assertThat(again).as("the claim alone found the record").hasSize(1);

      // A duplicate in progress (an in-progress record has no payload: a nil inside the script's reply).
      String inFlight = IdempotencyKey.of(ns, "request-u7").storageKey();
      redis.idempotencyStore().claim(inFlight, Fingerprint.sha256("t7").value(), Duration.ofSeconds(30));
      DefenceOutcome<String> busy = defence.execute(new Submit("u7", "t7"), s -> "ran during the first");
      assertThat(busy).isInstanceOfSatisfying(DefenceOutcome.Stopped.class,
          s -> assertThat(s.reason()).isEqualTo(DefenceOutcome.Reason.IN_PROGRESS));
      assertThat(layers.global.tryAcquire(RateLimiter.GLOBAL).allowed()).isTrue();
      layers.locks.close();
    }
  }

  @Test
  void aStoreThatWaitsForReplicasSendsItsClaimAloneSoThatAnUnacknowledgedClaimIsUndoneFirst() {
    RedisClients waiting = RedisClients.replicated(RedisServers.standaloneUri(), 1);
    RedisClients plain = RedisClients.standalone();
    try {
      assertThat(waiting.newBackend().idempotencyStore().claimStep("k", Fingerprint.none().value(),
          Duration.ofSeconds(30))).isNull();
      assertThat(plain.newBackend().idempotencyStore().claimStep("k", Fingerprint.none().value(),
          Duration.ofSeconds(30))).isNotNull();
    } finally {
      waiting.close();
      plain.close();
    }
  }

  @Test
  void eachRefusalStopsWhereOneCallPerLayerWouldAndTakesNothingBehindIt() {
    RedisClients shared = RedisClients.standalone();
    try {
      Layers layers = new Layers(shared.newBackend(), 1, 3);
      assertThat(layers.submit("u1", layers.issue("u1")).value()).contains("order of u1");

      // The user's limit refuses: the global limit, the token and the lock behind it are untouched.
      String second = layers.issue("u1");
      assertThat(stoppedBy(layers.submit("u1", second))).isEqualTo("rate-limit:" + ns + "-user");
      assertThat(layers.tokens.consume(scope("u1"), second)).as("the refused request's token is still live").isTrue();

      // The lock is held elsewhere: the token taken before it is given back, as the token layer does.
      try (DistributedLocks elsewhere = DistributedLocks.builder(layers.redis.lockStore()).build()) {
        LockHandle held = elsewhere.tryLock(lockKey("u2"), LockOptions.builder().owner("someone-else").build())
            .orElseThrow();
        String third = layers.issue("u2");
        assertThat(stoppedBy(layers.submit("u2", third))).isEqualTo("lock");
        assertThat(layers.tokens.consume(scope("u2"), third)).as("given back: the retry may use it").isTrue();
        held.release();
      }

      assertThat(layers.global.tryAcquire(RateLimiter.GLOBAL).allowed())
          .as("the global limit (3) was charged by the first and the lock-refused request only").isTrue();
      assertThat(layers.global.tryAcquire(RateLimiter.GLOBAL).allowed()).isFalse();
      layers.locks.close();
    } finally {
      shared.close();
    }
  }

  @Test
  void aUsedTokenStopsTheRequestAndLeavesTheLockFree() {
    RedisClients shared = RedisClients.standalone();
    try {
      Layers layers = new Layers(shared.newBackend(), 100, 1000);
      String token = layers.issue("u3");
      assertThat(layers.submit("u3", token).value()).contains("order of u3");
      assertThat(stoppedBy(layers.submit("u3", token))).isEqualTo("token");
      try (DistributedLocks elsewhere = DistributedLocks.builder(layers.redis.lockStore()).build()) {
        assertThat(elsewhere.tryLock(lockKey("u3"), LockOptions.builder().owner("someone-else").build()))
            .as("the lock behind the used token was never taken").isPresent();
      }
      layers.locks.close();
    } finally {
      shared.close();
    }
  }

  @Test
  void onRedisClusterStepsInDifferentSlotsRunOneByOneWithTheSameOutcomes() {
    RedisClients cluster = RedisClients.cluster();
    try {
      Layers layers = new Layers(cluster.newBackend(), 100, 1000);
      String token = layers.issue("u4");
      assertThat(layers.submit("u4", token).value()).contains("order of u4");
      assertThat(stoppedBy(layers.submit("u4", token))).isEqualTo("token");
      layers.locks.close();
    } finally {
      cluster.close();
    }
  }
}
