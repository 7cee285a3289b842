package dev.idempotency.jdbc;

import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.testkit.IdempotentProxyContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

/** IdempotentProxyContract (@Idempotent services) on MariaDB. */
class MariaDbIdempotentProxyTest extends IdempotentProxyContract {
  private final JdbcClients clients = new JdbcClients(TestDatabase.mariadb());

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
