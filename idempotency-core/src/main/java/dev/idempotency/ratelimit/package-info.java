/**
 * Rate limits per key and overall, with several tiers at once, by GCRA
 * ({@link dev.idempotency.ratelimit.RateLimiter}).
 */
package dev.idempotency.ratelimit;
