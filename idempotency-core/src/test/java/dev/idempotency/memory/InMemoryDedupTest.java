package dev.idempotency.memory;

import dev.idempotency.spi.DedupStore;
import dev.idempotency.testkit.DedupContract;
import dev.idempotency.testkit.ManualClock;
import java.time.Duration;

class InMemoryDedupTest extends DedupContract {
  private final ManualClock clock = new ManualClock();
  private final InMemoryBackend backend = InMemoryBackend.builder().clock(clock).build();

  @Override
  protected DedupStore newClient() {
    return backend.dedupStore();
  }

  @Override
  protected void advance(Duration d) {
    clock.advance(d);
  }
}
