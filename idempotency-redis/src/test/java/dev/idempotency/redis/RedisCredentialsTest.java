package dev.idempotency.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.CallOptions;
import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.codec.Codecs;
import dev.idempotency.lock.DistributedLocks;
import dev.idempotency.lock.LockOptions;
import dev.idempotency.testsupport.ChildJvm;
import dev.idempotency.testsupport.RedisProcess;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Credentials never leak: against a {@code redis-server} with {@code requirepass}, a child JVM with
 * every logger at debug uses the right password (in the builder, and in the URI), a wrong one, and
 * goes through the server paused and killed mid-use, printing every exception's full text (causes,
 * stack traces) and every description; the test scans all it printed: neither password appears.
 */
class RedisCredentialsTest {

  /** The probe: run in its own JVM by the test. Arguments: the right and the wrong password. */
  public static final class Probe {
    public static void main(String[] args) throws Exception {
      String secret = args[0];
      String wrong = args[1];
      RedisProcess own = RedisProcess.start("--requirepass", secret);
      try {
        int exceptions = 0;
        try (RedisBackend good = RedisBackend.builder().uri("redis://:" + secret + "@127.0.0.1:" + own.port())
            .socketTimeout(Duration.ofMillis(300)).connectTimeout(Duration.ofMillis(300)).build();
            RedisBackend viaBuilder = RedisBackend.builder().hostAndPort("127.0.0.1", own.port()).password(secret).build();
            DistributedLocks locks = DistributedLocks.builder(good.lockStore()).build()) {
          System.out.println("DESCRIBE " + good + " | " + good.name() + " | " + viaBuilder + " | " + viaBuilder.name());
          IdempotencyEngine engine = IdempotencyEngine.builder(good.idempotencyStore())
              .defaults(CallOptions.builder().lease(Duration.ofSeconds(2)).build()).build();
          System.out.println("CALL " + engine.execute(IdempotencyKey.of("pay", "k1"), Fingerprint.none(), Codecs.string(), c -> "ok"));
          locks.tryLock(IdempotencyKey.of("jobs", "j"), LockOptions.builder().lease(Duration.ofMillis(900))
              .watchdog(h -> System.out.println("LOST " + h.key())).build()).orElseThrow();
          own.signal("STOP");
          exceptions += ChildJvm.attempt(() -> engine.execute(IdempotencyKey.of("pay", "k2"), Fingerprint.none(), Codecs.string(), c -> "x"));
          Thread.sleep(1_200);
          own.signal("CONT");
          own.kill();
          exceptions += ChildJvm.attempt(() -> engine.execute(IdempotencyKey.of("pay", "k3"), Fingerprint.none(), Codecs.string(), c -> "x"));
          exceptions += ChildJvm.attempt(() -> engine.lookup(IdempotencyKey.of("pay", "k1")));
          own.launch();
        }
        exceptions += ChildJvm.attempt(() -> {
          try (RedisBackend bad = RedisBackend.builder().uri("redis://:" + wrong + "@127.0.0.1:" + own.port()).build()) {
            return IdempotencyEngine.builder(bad.idempotencyStore()).build()
                .execute(IdempotencyKey.of("pay", "k4"), Fingerprint.none(), Codecs.string(), c -> "x");
          }
        });
        exceptions += ChildJvm.attempt(() -> {
          try (RedisBackend none = RedisBackend.builder().hostAndPort("127.0.0.1", own.port()).build()) {
            return none.tokenStore().mark("x", Duration.ofSeconds(1));
          }
        });
        System.out.println("PROBE DONE exceptions=" + exceptions);
      } finally {
        own.stop();
      }
    }
  }

  @Test
  void neitherTheRightNorAWrongPasswordAppearsInLogsMessagesOrDescriptionsThroughFaults() {
    String secret = "s3cret-" + UUID.randomUUID();
    String wrong = "wr0ng-" + UUID.randomUUID();
    String out = ChildJvm.run(Probe.class, List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=debug"),
        List.of(secret, wrong), Duration.ofSeconds(90));
    assertThat(out).contains("PROBE DONE exceptions=5").contains("CALL ");
    assertThat(out).as("the password in the probe's logs, messages and descriptions").doesNotContain(secret);
    assertThat(out).as("the wrong password in the probe's output").doesNotContain(wrong);
    System.out.println("RELIABILITY | redis credentials scan | requirepass, 5 faults (paused, killed, wrong and missing password), "
        + out.length() + " characters of debug logs, messages and stack traces scanned, 0 secrets");
  }
}
