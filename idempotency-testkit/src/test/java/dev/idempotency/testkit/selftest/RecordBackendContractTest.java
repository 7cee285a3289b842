package dev.idempotency.testkit.selftest;

import dev.idempotency.memory.InMemoryRecordStore;
import dev.idempotency.spi.Backend;
import dev.idempotency.spi.RecordBackend;
import dev.idempotency.testkit.BackendFixture;
import dev.idempotency.testkit.ManualTime;
import dev.idempotency.testkit.RecordBackendContract;
import java.time.Duration;

/**
 * The whole contract on a backend that implements nothing but the record-store primitive (the
 * in-memory one), every strategy derived in the core: what a new backend gets for free.
 */
class RecordBackendContractTest extends RecordBackendContract {

  @Override
  protected BackendFixture newFixture() {
    ManualTime time = new ManualTime();
    InMemoryRecordStore records = new InMemoryRecordStore(time);
    RecordBackend backend = RecordBackend.of(records);
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
        return records.liveCount();
      }
    };
  }
}
