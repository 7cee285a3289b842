package dev.idempotency.jdbc;

import dev.idempotency.spi.StateStore;
import dev.idempotency.testkit.StateMachineContract;
import org.junit.jupiter.api.AfterEach;

/** StateMachineContract on PostgreSQL. */
class PostgresStateMachineTest extends StateMachineContract {
  private final JdbcClients clients = new JdbcClients(TestDatabase.postgres());

  @Override
  protected StateStore newClient() {
    return clients.newBackend().stateStore(clients.orders());
  }

  @AfterEach
  void closeClients() {
    clients.close();
  }
}
