/**
 * The idempotent call ({@link dev.idempotency.IdempotencyEngine}), keys, fingerprints, options, the
 * listener SPI and the exception hierarchy rooted at {@link dev.idempotency.IdempotencyException}.
 */
package dev.idempotency;
