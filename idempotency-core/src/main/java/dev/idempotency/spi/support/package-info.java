/**
 * Helpers for writing a backend: the library's own backends use them, and a third-party backend may.
 *
 * <ul>
 *   <li>{@link dev.idempotency.spi.support.Require}: the bad-input rules of the contract, so a
 *       store's argument errors are the same {@link dev.idempotency.InvalidInputException}s as the
 *       core's;
 *   <li>{@link dev.idempotency.spi.support.StoreCalls}: translation of a driver failure into
 *       {@link dev.idempotency.StoreUnavailableException}, so nothing outside the exception root
 *       escapes a store;
 *   <li>{@link dev.idempotency.spi.support.Gcra}: the rate limiter's GCRA arithmetic, for stores
 *       that decide in Java under their own lock or transaction;
 *   <li>{@link dev.idempotency.spi.support.Hashing} and
 *       {@link dev.idempotency.spi.support.Listeners}: digests for shortened keys, and listener calls
 *       that cannot fail a store operation.
 * </ul>
 *
 * <p>Compatibility: these classes follow the SPI's versioning (a change is named in the release
 * notes, as an SPI change is). They are stateless and thread-safe.
 */
package dev.idempotency.spi.support;
