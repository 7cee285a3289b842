package dev.idempotency.testkit.selftest;

import dev.idempotency.memory.InMemoryBackend;
import dev.idempotency.spi.Backend;
import dev.idempotency.testkit.BackendContract;
import dev.idempotency.testkit.BackendFixture;
import dev.idempotency.testkit.ManualTime;
import java.time.Duration;

/** The whole contract on the in-memory backend, its time moved by hand instead of slept. */
class InMemoryContractTest extends BackendContract {

  @Override
  protected BackendFixture newFixture() {
    ManualTime time = new ManualTime();
    InMemoryBackend backend = InMemoryBackend.builder().timeSource(time).build();
    return new BackendFixture() {
      @Override
      public Backend newClient() {
        return backend;
      }

      @Override
      public void advance(Duration d) {
        time.advance(d);
      }

      @Override
      public long storedEntries() {
        return backend.liveEntries();
      }
    };
  }
}
