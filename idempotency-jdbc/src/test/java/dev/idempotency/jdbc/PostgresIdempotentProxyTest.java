package dev.idempotency.jdbc;

import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.testkit.IdempotentProxyContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

/** IdempotentProxyContract (@Idempotent services) on PostgreSQL. */
class PostgresIdempotentProxyTest extends IdempotentProxyContract {
  private final JdbcClients clients = new JdbcClients(TestDatabase.postgres());

  @Override
  protected IdempotencyStore newClient() {
    return clients.newBackend().idempotencyStore();
  }

  @Override
  protected void advance(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }

  @AfterEach
  void closeClients() {
    clients.close();
  }
}
