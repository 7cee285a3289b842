package dev.idempotency.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.codec.Codecs;
import dev.idempotency.testsupport.ChildJvm;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Credentials never leak: a child JVM with every logger at debug uses MariaDB as a user with a
 * password (given to the pool, and in the JDBC URL), has the store's connections killed mid-use,
 * tries a wrong password, and prints every exception's full text and every description; the test
 * scans all it printed: neither password appears.
 */
class JdbcCredentialsTest {

  /** The probe, run in its own JVM. Arguments: URL, admin user, admin password, user, password, wrong password, prefix. */
  public static final class Probe {
    public static void main(String[] args) throws Exception {
      String url = args[0];
      String user = args[3];
      String secret = args[4];
      String wrong = args[5];
      String prefix = args[6];
      int exceptions = 0;
      try (HikariDataSource ds = pool(url, user, secret);
          HikariDataSource inUrl = pool(url + (url.contains("?") ? "&" : "?") + "user=" + user + "&password=" + secret, null, null)) {
        JdbcBackend backend = JdbcBackend.builder(ds).tablePrefix(prefix).createTablesIfMissing(true).build();
        JdbcBackend viaUrl = JdbcBackend.builder(inUrl).tablePrefix(prefix).build();
        System.out.println("DESCRIBE " + backend + " | " + backend.name() + " | " + viaUrl + " | " + viaUrl.name() + " | " + ds);
        IdempotencyEngine engine = IdempotencyEngine.builder(backend.idempotencyStore()).build();
        System.out.println("CALL " + engine.execute(IdempotencyKey.of("pay", "k1"), Fingerprint.none(), Codecs.string(), c -> "ok"));
        exceptions += ChildJvm.attempt(() -> engine.execute(IdempotencyKey.of("pay", "k2"), Fingerprint.none(), Codecs.string(), c -> {
          killAll(url, args[1], args[2], user);
          return "stored after the kill";
        }).value());
        killAll(url, args[1], args[2], user);
        System.out.println("AFTER KILL");
        exceptions += ChildJvm.attempt(() -> engine.lookup(IdempotencyKey.of("pay", "k1")));
        exceptions += ChildJvm.attempt(() -> engine.lookup(IdempotencyKey.of("pay", "k1")));
        exceptions += ChildJvm.attempt(() -> {
          try (HikariDataSource bad = pool(url, user, wrong)) {
            return JdbcBackend.builder(bad).tablePrefix(prefix).build();
          }
        });
        exceptions += ChildJvm.attempt(() -> {
          try (HikariDataSource bad = pool(url + (url.contains("?") ? "&" : "?") + "user=" + user + "&password=" + wrong, null, null)) {
            return IdempotencyEngine.builder(JdbcBackend.builder(bad).dialect(Dialect.MYSQL).tablePrefix(prefix).build()
                .idempotencyStore()).build().execute(IdempotencyKey.of("pay", "k3"), Fingerprint.none(), Codecs.string(), c -> "x");
          }
        });
      }
      System.out.println("PROBE DONE exceptions=" + exceptions);
    }

    static HikariDataSource pool(String url, String user, String password) {
      HikariConfig c = new HikariConfig();
      c.setJdbcUrl(url);
      if (user != null) {
        c.setUsername(user);
        c.setPassword(password);
      }
      c.setMaximumPoolSize(4);
      c.setConnectionTimeout(2_000);
      c.setInitializationFailTimeout(-1);
      return new HikariDataSource(c);
    }

    static void killAll(String url, String admin, String adminPassword, String user) throws Exception {
      try (Connection c = java.sql.DriverManager.getConnection(url, admin, adminPassword); Statement s = c.createStatement()) {
        List<Long> ids = new java.util.ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '" + user + "'")) {
          while (rs.next()) {
            ids.add(rs.getLong(1));
          }
        }
        for (long id : ids) {
          try {
            s.execute("KILL " + id);
          } catch (java.sql.SQLException gone) {
            // ended meanwhile
          }
        }
      }
    }
  }

  @Test
  void neitherTheRightNorAWrongPasswordAppearsInLogsMessagesOrDescriptionsThroughFaults() throws Exception {
    TestDatabase db = TestDatabase.mariadb();
    MariaDbSoakTest logins = new MariaDbSoakTest();
    String[] login = logins.storeLogin();
    String wrong = "wr0ng-" + UUID.randomUUID();
    String prefix = "cr" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
    try {
      String out = ChildJvm.run(Probe.class, List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=debug"),
          List.of(db.url, db.user, db.password, login[0], login[1], wrong, prefix), Duration.ofSeconds(90));
      assertThat(out).contains("PROBE DONE exceptions=").contains("CALL ").contains("AFTER KILL");
      assertThat(out).as("the password in the probe's logs, messages and descriptions").doesNotContain(login[1]);
      assertThat(out).as("the wrong password in the probe's output").doesNotContain(wrong);
      assertThat(out).contains("EXCEPTION ");
      System.out.println("RELIABILITY | mariadb credentials scan | a user with a password (pool and URL), connections killed,"
          + " wrong password: " + out.length() + " characters of debug logs, messages and stack traces scanned, 0 secrets");
    } finally {
      try (Connection c = db.connect(); Statement s = c.createStatement()) {
        for (String t : List.of("records", "tokens", "locks", "dedup", "states", "stock", "stock_holds", "rates")) {
          s.execute("DROP TABLE IF EXISTS " + prefix + t);
        }
      }
    }
  }
}
