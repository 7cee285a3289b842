package dev.idempotency.jdbc;

import dev.idempotency.spi.StateStore;
import dev.idempotency.testkit.BackendContract;
import dev.idempotency.testkit.BackendFixture;
import dev.idempotency.testkit.StateMachineContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;

/**
 * The whole contract on one database, plus the state machine on the application's own table
 * ({@link JdbcBackend#stateStore(StateTable)}), which only JDBC offers.
 */
abstract class JdbcContract extends BackendContract {

  /** The database under test. */
  abstract TestDatabase database();

  @Override
  protected BackendFixture newFixture() {
    return new JdbcClients(database());
  }

  /** {@link StateMachineContract} on a business table with a fencing column. */
  @Nested
  class StateMachineOnTheCallersTable extends StateMachineContract {
    private final JdbcClients clients = new JdbcClients(database());

    @Override
    protected StateStore newClient() {
      return clients.newBackend().stateStore(clients.orders());
    }

    @AfterEach
    void closeClients() {
      clients.close();
    }
  }

  /** {@link JdbcGuardsContract} on this database. */
  @Nested
  class Guards extends JdbcGuardsContract {
    @Override
    TestDatabase database() {
      return JdbcContract.this.database();
    }
  }
}
