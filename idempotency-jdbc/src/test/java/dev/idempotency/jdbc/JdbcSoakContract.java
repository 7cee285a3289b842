package dev.idempotency.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.testkit.soak.EffectsTable;
import dev.idempotency.testkit.soak.Soak;
import dev.idempotency.testkit.soak.SoakChecks;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The multi-process soak on a database: three worker JVMs with sixteen threads each make 21,000
 * guarded calls over 1,000 keys (more with {@code -Dsoak.calls=N}), writing a row per execution into
 * a table without a unique constraint. The workers start at once on fresh tables they create
 * themselves ({@code createTablesIfMissing} in three processes). Healthy, or with the store's own
 * connections killed mid-storm: no key runs twice, no success is without its stored result, callers
 * see only the library's exceptions, and the pools recover by themselves.
 */
abstract class JdbcSoakContract {
  private final String prefix = "sk" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";

  /** @return the database under test */
  abstract TestDatabase db();

  /** @return the user, password and name the store's connections use */
  abstract String[] storeLogin();

  /**
   * Kills every connection of the store's pool, from a connection of the test's.
   *
   * @param admin the test's connection
   * @return how many were killed
   * @throws SQLException if the database refuses
   */
  abstract int killStoreConnections(Connection admin) throws SQLException;

  private EffectsTable effects() {
    return new EffectsTable(db().url, db().user, db().password, prefix + "effects");
  }

  Soak.Builder soak() {
    String[] login = storeLogin();
    return Soak.builder(JdbcSoakTarget.class, effects()).setting("url", db().url).setting("user", login[0])
        .setting("password", login[1]).setting("prefix", prefix)
        .label(db().dialect == Dialect.MYSQL ? "mariadb" : "postgresql");
  }

  @AfterEach
  void dropTables() throws SQLException {
    try (Connection c = db().connect(); Statement s = c.createStatement()) {
      for (String t : List.of("records", "tokens", "locks", "dedup", "states", "stock", "stock_holds", "rates", "effects")) {
        s.execute("DROP TABLE IF EXISTS " + prefix + t);
      }
    }
  }

  @Test
  void threeProcessesStartingAtOnceRunEachKeyOnceAndLoseNothing() {
    Soak.Report r = soak().build().run();
    SoakChecks.assertHeld(soak().build().label() + " soak", r);
    assertThat(r.calls()).isGreaterThanOrEqualTo(21_000);
    assertThat(r.executions()).isEqualTo(r.executed()).isLessThanOrEqualTo(1_000);
  }

  @Test
  void theStoresConnectionsKilledMidStormRunNothingTwice() {
    AtomicInteger killed = new AtomicInteger();
    Soak.Report r = soak().calls(12_000).lease(Duration.ofSeconds(5)).await(Duration.ofSeconds(3)).build().run(p -> {
      p.awaitExecutions(200, Duration.ofSeconds(60));
      try (Connection admin = db().connect()) {
        for (int round = 0; round < 3; round++) {
          killed.addAndGet(killStoreConnections(admin));
          Thread.sleep(300);
        }
      }
    });
    SoakChecks.assertHeld(soak().build().label() + " store connections killed x3 (" + killed.get() + " connections)", r,
        "StoreUnavailableException", "RequestInProgressException");
    assertThat(killed.get()).as("connections killed").isPositive();
  }

  @Test
  void anOwnerKilledWithSigkillAfterClaimingIsTakenOverByExactlyOneCallerAfterTheLease() throws Exception {
    Soak.Takeover t = soak().lease(Duration.ofSeconds(2)).build().killOwnerAndRace(32);
    assertThat(t.runs()).isEqualTo(1);
    assertThat(t.newToken()).isGreaterThan(t.heldToken());
    assertThat(t.failures().keySet()).isSubsetOf("RequestInProgressException");
  }

  @Test
  void aTamperedRecordNamingAGadgetClassIsATypedErrorAndTheClassIsNeverLoaded() throws Exception {
    Soak.Probe probe = soak().build().probeTamperedGadget();
    assertThat(probe.logWorks()).as("the class-load log shows the probe's own classes").isTrue();
    assertThat(probe.gadgetLoaded()).as("the gadget class was loaded").isFalse();
    assertThat(probe.outcome()).startsWith("dev.idempotency.ResultCodecException").contains("allow-list");
  }
}
