/**
 * Every strategy's store derived from one {@link dev.idempotency.spi.RecordStore}: each reads a
 * record, decides in Java, and writes it back with a compare-and-set on its version, reading again
 * when another writer got there first. Assembled by {@link dev.idempotency.spi.RecordBackend}; not
 * exported.
 */
package dev.idempotency.internal.records;
