package dev.idempotency.jdbc;

import dev.idempotency.spi.TokenStore;
import dev.idempotency.testkit.OneTimeTokenContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

/** OneTimeTokenContract on PostgreSQL. */
class PostgresOneTimeTokenTest extends OneTimeTokenContract {
  private final JdbcClients clients = new JdbcClients(TestDatabase.postgres());

  @Override
  protected TokenStore newClient() {
    return clients.newBackend().tokenStore();
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
