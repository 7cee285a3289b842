package dev.idempotency.memory;

import dev.idempotency.spi.LockStore;
import dev.idempotency.testkit.LockContract;
import dev.idempotency.testkit.ManualClock;
import java.time.Duration;

class InMemoryLockTest extends LockContract {
  private final ManualClock clock = new ManualClock();
  private final InMemoryBackend backend = InMemoryBackend.builder().clock(clock).build();

  @Override
  protected LockStore newClient() {
    return backend.lockStore();
  }

  @Override
  protected void advance(Duration d) {
    clock.advance(d);
  }
}
