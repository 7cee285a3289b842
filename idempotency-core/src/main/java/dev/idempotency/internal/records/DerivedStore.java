package dev.idempotency.internal.records;

import dev.idempotency.spi.RecordStore;
import dev.idempotency.spi.Store;

/** What every derived store has: the record store, and the prefix of its own part of the key space. */
abstract class DerivedStore implements Store {
  final RecordStore records;
  final String prefix;

  DerivedStore(RecordStore records, String prefix) {
    this.records = records;
    this.prefix = prefix;
  }

  @Override
  public final String name() {
    return records.name();
  }
}
