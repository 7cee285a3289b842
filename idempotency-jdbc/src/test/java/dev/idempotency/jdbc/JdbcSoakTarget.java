package dev.idempotency.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.idempotency.spi.Backend;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.LockStore;
import dev.idempotency.spi.MarkStore;
import dev.idempotency.spi.RateLimitStore;
import dev.idempotency.spi.StateStore;
import dev.idempotency.spi.StockStore;
import dev.idempotency.testkit.soak.SoakTarget;
import java.util.Map;

/**
 * Opens a JDBC backend in a soak worker, creating its tables if missing (so that the workers
 * starting at once also prove {@code createTablesIfMissing} across processes). Settings {@code url},
 * {@code user}, {@code password}, {@code prefix}; the pool's connections carry the application name
 * {@code idem-soak-store} on PostgreSQL, so that a fault can kill exactly them.
 */
public final class JdbcSoakTarget implements SoakTarget {
  static final String APPLICATION_NAME = "idem-soak-store";

  @Override
  public Backend open(Map<String, String> settings) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(settings.get("url"));
    config.setUsername(settings.get("user"));
    config.setPassword(settings.get("password"));
    config.setMaximumPoolSize(16);
    config.setMinimumIdle(0);
    config.setConnectionTimeout(5_000);
    config.setPoolName("idem-soak");
    if (settings.get("url").startsWith("jdbc:postgresql:")) {
      config.addDataSourceProperty("ApplicationName", APPLICATION_NAME);
    }
    HikariDataSource ds = new HikariDataSource(config);
    try {
      return new Closing(JdbcBackend.builder(ds).tablePrefix(settings.get("prefix")).createTablesIfMissing(true).build(), ds);
    } catch (RuntimeException e) {
      ds.close();
      throw e;
    }
  }

  /** The backend, closing the pool it was given when it is closed. */
  private record Closing(JdbcBackend backend, HikariDataSource ds) implements Backend {
    @Override
    public String name() {
      return backend.name();
    }

    @Override
    public IdempotencyStore idempotencyStore() {
      return backend.idempotencyStore();
    }

    @Override
    public MarkStore tokenStore() {
      return backend.tokenStore();
    }

    @Override
    public MarkStore dedupStore() {
      return backend.dedupStore();
    }

    @Override
    public LockStore lockStore() {
      return backend.lockStore();
    }

    @Override
    public StateStore stateStore(String entityType) {
      return backend.stateStore(entityType);
    }

    @Override
    public StockStore stockStore() {
      return backend.stockStore();
    }

    @Override
    public RateLimitStore rateLimitStore() {
      return backend.rateLimitStore();
    }

    @Override
    public void close() {
      backend.close();
      ds.close();
    }
  }
}
