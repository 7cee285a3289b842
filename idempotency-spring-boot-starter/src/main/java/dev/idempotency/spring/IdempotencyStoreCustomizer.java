package dev.idempotency.spring;

import dev.idempotency.spi.IdempotencyStore;

/**
 * Wraps the store of the auto-configured engine, for example in a
 * {@link dev.idempotency.cache.NearCache} or a decorator of your own. Every bean of this type is
 * applied, in their order; the starter's own timing of round trips (with Micrometer) is one.
 */
@FunctionalInterface
public interface IdempotencyStoreCustomizer {
  /**
   * Wraps a store.
   *
   * @param store the store so far
   * @return the store the engine uses
   */
  IdempotencyStore customize(IdempotencyStore store);
}
