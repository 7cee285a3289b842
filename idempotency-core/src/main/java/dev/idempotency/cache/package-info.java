/**
 * A near cache of completed results ({@link dev.idempotency.cache.NearCache}): replays served from
 * local memory with no round trip, in front of any idempotency store.
 */
package dev.idempotency.cache;
