package dev.idempotency.testkit;

import org.junit.jupiter.api.Nested;

/**
 * The whole contract of a backend built on the record-store primitive
 * ({@link dev.idempotency.spi.RecordBackend}): {@link RecordStoreContract} on its record store, then
 * every strategy suite of {@link BackendContract} on the stores derived from it. The fixture's
 * clients must be {@code RecordBackend}s.
 */
public abstract class RecordBackendContract extends BackendContract {

  /** For subclasses: a backend's fixture or test class. */
  protected RecordBackendContract() {}

  /** {@link RecordStoreContract} on this backend's record store. */
  @Nested
  class RecordStores extends RecordStoreContract {
    @Override
    protected BackendFixture fixture() {
      return backendFixture();
    }
  }
}
