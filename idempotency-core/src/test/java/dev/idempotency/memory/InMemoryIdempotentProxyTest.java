package dev.idempotency.memory;

import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.testkit.IdempotentProxyContract;
import dev.idempotency.testkit.ManualClock;
import java.time.Duration;

class InMemoryIdempotentProxyTest extends IdempotentProxyContract {
  private final ManualClock clock = new ManualClock();
  private final InMemoryBackend backend = InMemoryBackend.builder().clock(clock).build();

  @Override
  protected IdempotencyStore newClient() {
    return backend.idempotencyStore();
  }

  @Override
  protected void advance(Duration d) {
    clock.advance(d);
  }
}
