package dev.idempotency.jdbc;

import dev.idempotency.spi.StateStore;
import dev.idempotency.testkit.StateMachineContract;
import org.junit.jupiter.api.AfterEach;

/** StateMachineContract on H2 in memory. */
class H2StateMachineTest extends StateMachineContract {
  private final JdbcClients clients = new JdbcClients(TestDatabase.h2());

  @Override
  protected StateStore newClient() {
    return clients.newBackend().stateStore(clients.orders());
  }

  @AfterEach
  void closeClients() {
    clients.close();
  }
}
