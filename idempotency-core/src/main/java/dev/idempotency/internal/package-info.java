/**
 * Helpers of the core's own strategies (the stored envelope, polling, rethrow). Exported to no
 * module; helpers a backend may use are in {@link dev.idempotency.spi.support}.
 */
package dev.idempotency.internal;
