package dev.idempotency.jdbc;

import dev.idempotency.spi.DedupStore;
import dev.idempotency.testkit.DedupContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

/** DedupContract on MariaDB. */
class MariaDbDedupTest extends DedupContract {
  private final JdbcClients clients = new JdbcClients(TestDatabase.mariadb());

  @Override
  protected DedupStore newClient() {
    return clients.newBackend().dedupStore();
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
