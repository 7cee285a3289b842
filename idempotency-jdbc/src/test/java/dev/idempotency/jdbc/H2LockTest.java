package dev.idempotency.jdbc;

import dev.idempotency.spi.LockStore;
import dev.idempotency.testkit.LockContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

/** LockContract on H2 in memory. */
class H2LockTest extends LockContract {
  private final JdbcClients clients = new JdbcClients(TestDatabase.h2());

  @Override
  protected LockStore newClient() {
    return clients.newBackend().lockStore();
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
