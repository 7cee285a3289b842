package dev.idempotency.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.testkit.soak.EffectsTable;
import dev.idempotency.testkit.soak.Soak;
import dev.idempotency.testkit.soak.SoakChecks;
import dev.idempotency.testsupport.RedisProcess;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The multi-process soak on Redis: three worker JVMs with sixteen threads each make 21,000 guarded
 * calls over 1,000 keys (more with {@code -Dsoak.calls=N}); each execution writes a row into a table
 * without a unique constraint. With the server healthy, paused past the client timeout, or killed
 * and restarted with {@code appendfsync always}: no key runs twice, no success is without its
 * stored result, callers see only the library's exceptions, and the clients recover by themselves.
 */
class RedisSoakTest {
  private RedisProcess own;

  @AfterEach
  void stop() {
    if (own != null) {
      own.stop();
    }
  }

  private static Soak.Builder soak(String uri, EffectsTable effects) {
    return Soak.builder(RedisSoakTarget.class, effects).setting("uri", uri)
        .setting("prefix", "soak" + UUID.randomUUID().toString().substring(0, 8)).setting("socketTimeoutMs", "500").label("redis");
  }

  /**
   * Under a fault: a claim whose reply was lost holds its key, ownerless, until its lease ends
   * (duplicates wait, then get {@code RequestInProgressException}); a 5 s lease keeps that short.
   */
  private static Soak.Builder faulted(String uri) {
    return soak(uri, SoakEffects.table()).calls(12_000).lease(Duration.ofSeconds(5)).await(Duration.ofSeconds(3));
  }

  @Test
  void threeProcessesOnTheSharedServerRunEachKeyOnceAndLoseNothing() {
    EffectsTable effects = SoakEffects.table();
    Soak.Report r = soak(RedisServers.standaloneUri(), effects).build().run();
    SoakChecks.assertHeld("redis soak", r);
    assertThat(r.calls()).isGreaterThanOrEqualTo(21_000);
    assertThat(r.executions()).isEqualTo(r.executed()).isLessThanOrEqualTo(1_000);
  }

  @Test
  void aServerPausedPastTheClientTimeoutMidStormRunsNothingTwice() {
    own = RedisProcess.start();
    Soak.Report r = faulted(own.uri()).build().run(p -> {
      p.awaitExecutions(200, Duration.ofSeconds(30));
      own.signal("STOP");
      Thread.sleep(1_500);
      own.signal("CONT");
    });
    SoakChecks.assertHeld("redis paused 1.5 s (SIGSTOP, client timeout 0.5 s)", r,
        "StoreUnavailableException", "RequestInProgressException");
  }

  @Test
  void aServerKilledAndRestartedWithAppendFsyncAlwaysMidStormRunsNothingTwice() {
    own = RedisProcess.start("--appendonly", "yes", "--appendfsync", "always");
    Soak.Report r = faulted(own.uri()).build().run(p -> {
      p.awaitExecutions(200, Duration.ofSeconds(30));
      own.kill();
      Thread.sleep(300);
      own.launch();
    });
    SoakChecks.assertHeld("redis killed and restarted (appendfsync always)", r,
        "StoreUnavailableException", "RequestInProgressException");
  }

  /**
   * Without persistence a restart forgets every record by definition. What the user then gets, and
   * this test pins: a key claimed before the crash (completed, or in flight in one of the 48 worker
   * threads) may run once more when it is called again; its in-flight owners are told
   * {@code ClaimLostException}; nothing else goes wrong: no exception outside the root, no key runs a
   * third time, no key first claimed after the restart runs twice.
   */
  @Test
  void aServerRestartedWithoutPersistenceForgetsWhatCompletedBeforeAndNothingElse() {
    own = RedisProcess.start();
    AtomicLong before = new AtomicLong();
    Soak.Report r = faulted(own.uri()).build().run(p -> {
      p.awaitExecutions(200, Duration.ofSeconds(30));
      own.kill();
      before.set(p.executions());
      own.launch();
    });
    System.out.println("RELIABILITY | redis restarted without persistence | " + r + "; executions before the kill "
        + before.get());
    assertThat(r.untyped()).as("%s", r.untypedSamples()).isEmpty();
    assertThat(r.doubles().values()).allSatisfy(d -> assertThat(d[0]).as("runs of one key").isEqualTo(2));
    assertThat((long) r.doubles().size()).as("keys run again").isLessThanOrEqualTo(before.get() + 3 * 16);
    assertThat(r.typed().keySet()).isSubsetOf("StoreUnavailableException", "RequestInProgressException",
        "ClaimLostException");
  }

  @Test
  void anOwnerKilledWithSigkillAfterClaimingIsTakenOverByExactlyOneCallerAfterTheLease() throws Exception {
    Soak.Takeover t = soak(RedisServers.standaloneUri(), SoakEffects.table()).lease(Duration.ofSeconds(2)).build()
        .killOwnerAndRace(32);
    assertThat(t.runs()).isEqualTo(1);
    assertThat(t.newToken()).isGreaterThan(t.heldToken());
    assertThat(t.failures().keySet()).isSubsetOf("RequestInProgressException");
  }

  @Test
  void aTamperedRecordNamingAGadgetClassIsATypedErrorAndTheClassIsNeverLoaded() throws Exception {
    Soak.Probe probe = soak(RedisServers.standaloneUri(), SoakEffects.table()).build().probeTamperedGadget();
    assertThat(probe.logWorks()).as("the class-load log shows the probe's own classes").isTrue();
    assertThat(probe.gadgetLoaded()).as("the gadget class was loaded").isFalse();
    assertThat(probe.outcome()).startsWith("dev.idempotency.ResultCodecException").contains("allow-list");
  }
}
