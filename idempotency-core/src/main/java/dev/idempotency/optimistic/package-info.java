/**
 * Optimistic concurrency: read a version, compute, write conditionally, retry boundedly with
 * jittered backoff ({@link dev.idempotency.optimistic.OptimisticRetry}).
 */
package dev.idempotency.optimistic;
