/**
 * The embedded backend: {@link dev.idempotency.memory.InMemoryBackend}, every store of the contract
 * in this JVM's memory, on Caffeine, with injectable time.
 */
package dev.idempotency.memory;
