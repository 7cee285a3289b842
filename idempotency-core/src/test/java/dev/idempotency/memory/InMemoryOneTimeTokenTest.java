package dev.idempotency.memory;

import dev.idempotency.spi.TokenStore;
import dev.idempotency.testkit.ManualClock;
import dev.idempotency.testkit.OneTimeTokenContract;
import java.time.Duration;

class InMemoryOneTimeTokenTest extends OneTimeTokenContract {
  private final ManualClock clock = new ManualClock();
  private final InMemoryBackend backend = InMemoryBackend.builder().clock(clock).build();

  @Override
  protected TokenStore newClient() {
    return backend.tokenStore();
  }

  @Override
  protected void advance(Duration d) {
    clock.advance(d);
  }
}
