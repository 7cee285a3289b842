package dev.idempotency.memory;

import dev.idempotency.spi.StateStore;
import dev.idempotency.testkit.StateMachineContract;

class InMemoryStateMachineTest extends StateMachineContract {
  private final InMemoryBackend backend = InMemoryBackend.create();

  @Override
  protected StateStore newClient() {
    return backend.stateStore("orders");
  }
}
