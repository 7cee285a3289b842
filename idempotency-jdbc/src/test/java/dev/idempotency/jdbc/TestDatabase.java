package dev.idempotency.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A database the tests run against, found in this order: an environment variable
 * ({@code IDEMPOTENCY_POSTGRES_URL}, {@code IDEMPOTENCY_MARIADB_URL}: a JDBC URL with user and
 * password as parameters if needed), a Testcontainers container when Docker is present, the local
 * default (PostgreSQL 127.0.0.1:5432 database {@code test} user {@code postgres}; MariaDB
 * 127.0.0.1:3306 database {@code test} user {@code root}) when it answers; otherwise the tests fail,
 * never skip, with a message saying what to start. H2 runs in memory.
 *
 * <p>One per database per test run: its tables get a prefix unique to the run, are created once and
 * dropped when the JVM exits. Each {@link #newDataSource()} is an independent HikariCP pool.
 */
final class TestDatabase {
  private static final Logger LOG = LoggerFactory.getLogger(TestDatabase.class);
  private static TestDatabase postgres;
  private static TestDatabase mariadb;
  private static TestDatabase h2;

  final Dialect dialect;
  final String url;
  final String user;
  final String password;
  final String prefix = "it" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
  /** The business table state-machine tests run on. */
  final String ordersTable = prefix + "orders";

  private TestDatabase(Dialect dialect, String url, String user, String password) {
    this.dialect = dialect;
    this.url = url;
    this.user = user;
    this.password = password;
  }

  static synchronized TestDatabase postgres() {
    if (postgres == null) {
      postgres = resolve(Dialect.POSTGRESQL, "IDEMPOTENCY_POSTGRES_URL",
          "jdbc:postgresql://127.0.0.1:5432/test", "postgres", "",
          "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start");
    }
    return postgres;
  }

  static synchronized TestDatabase mariadb() {
    if (mariadb == null) {
      mariadb = resolve(Dialect.MYSQL, "IDEMPOTENCY_MARIADB_URL",
          "jdbc:mariadb://127.0.0.1:3306/test?sslMode=disable", "root", "",
          "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd");
    }
    return mariadb;
  }

  static synchronized TestDatabase h2() {
    if (h2 == null) {
      h2 = new TestDatabase(Dialect.H2, "jdbc:h2:mem:idem-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
      h2.createTables();
    }
    return h2;
  }

  private static TestDatabase resolve(Dialect dialect, String env, String localUrl, String localUser,
      String localPassword, String startCommand) {
    TestDatabase db;
    String configured = System.getenv(env);
    if (configured != null && !configured.isBlank()) {
      db = new TestDatabase(dialect, configured, null, null);
    } else if (dev.idempotency.testsupport.Docker.present()) {
      db = Containers.start(dialect);
    } else if (answers(localUrl, localUser, localPassword)) {
      db = new TestDatabase(dialect, localUrl, localUser, localPassword);
    } else {
      throw new IllegalStateException("No " + dialect + " database for the tests: set " + env
          + ", or start Docker (Testcontainers), or start the local server: " + startCommand);
    }
    LOG.info("{} tests run against {}", dialect, db.url);
    db.createTables();
    return db;
  }

  private static boolean answers(String url, String user, String password) {
    try (Connection c = DriverManager.getConnection(url, user, password)) {
      return c.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  Connection connect() throws SQLException {
    if (user == null) {
      return DriverManager.getConnection(url);
    }
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    return DriverManager.getConnection(url, p);
  }

  /** Pools a finished test gave back, open and idle, for the next test's clients. */
  private final java.util.ArrayDeque<HikariDataSource> idle = new java.util.ArrayDeque<>();

  /**
   * A pool no other client of the running test uses: one a finished test gave back, or a new one.
   * PostgreSQL starts a server process per connection (about 20 ms here), so reusing the pools of
   * earlier tests keeps the suites' time on what they test.
   */
  synchronized HikariDataSource borrowDataSource() {
    while (!idle.isEmpty()) {
      HikariDataSource ds = idle.pop();
      if (!ds.isClosed()) {
        return ds;
      }
    }
    return newDataSource();
  }

  /**
   * Takes back a pool from a finished test. One the test closed is dropped; one with a connection
   * still out (a thread of the test still working, a leaked connection), or one too many, is closed:
   * the next test gets a pool all its own.
   */
  synchronized void giveBack(HikariDataSource ds) {
    if (ds.isClosed()) {
      return;
    }
    if (idle.size() < 8 && ds.getHikariPoolMXBean() != null && ds.getHikariPoolMXBean().getActiveConnections() == 0) {
      idle.push(ds);
    } else {
      ds.close();
    }
  }

  HikariDataSource newDataSource() {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    if (user != null) {
      config.setUsername(user);
      config.setPassword(password);
    }
    config.setMaximumPoolSize(10);
    config.setMinimumIdle(0);
    config.setConnectionTimeout(5_000);
    config.setPoolName("idem-test-" + dialect);
    return new HikariDataSource(config);
  }

  private void createTables() {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      for (String ddl : JdbcBackend.ddl(dialect, prefix)) {
        s.execute(ddl);
      }
      s.execute("CREATE TABLE " + ordersTable + " (id VARCHAR(255) NOT NULL PRIMARY KEY, "
          + "status VARCHAR(32) NOT NULL, version BIGINT NOT NULL, fence BIGINT, note VARCHAR(100))");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create the test tables on " + url, e);
    }
    if (dialect != Dialect.H2) {
      Runtime.getRuntime().addShutdownHook(new Thread(this::dropTables));
    }
  }

  private void dropTables() {
    List<String> tables = new ArrayList<>(List.of("records", "tokens", "locks", "dedup", "states", "stock", "stock_holds", "rates", "orders"));
    try (Connection c = connect(); Statement s = c.createStatement()) {
      for (String t : tables) {
        s.execute("DROP TABLE IF EXISTS " + prefix + t);
      }
    } catch (SQLException e) {
      LOG.warn("could not drop the test tables {}*: {}", prefix, e.getMessage());
    }
  }

  /** Kept apart so that Testcontainers' database modules load only when Docker is there. */
  private static final class Containers {
    @SuppressWarnings("resource")
    static TestDatabase start(Dialect dialect) {
      org.testcontainers.containers.JdbcDatabaseContainer<?> c = dialect == Dialect.POSTGRESQL
          ? new org.testcontainers.postgresql.PostgreSQLContainer("postgres:16-alpine")
          : new org.testcontainers.mariadb.MariaDBContainer("mariadb:11");
      c.start();
      Runtime.getRuntime().addShutdownHook(new Thread(c::stop));
      return new TestDatabase(dialect, c.getJdbcUrl(), c.getUsername(), c.getPassword());
    }
  }
}
