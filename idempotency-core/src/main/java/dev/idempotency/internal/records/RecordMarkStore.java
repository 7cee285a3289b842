package dev.idempotency.internal.records;

import dev.idempotency.spi.MarkStore;
import dev.idempotency.spi.RecordStore;
import dev.idempotency.spi.support.Require;
import java.time.Duration;

/** Marks over a record store: a mark is an empty record created with its time to live. */
public final class RecordMarkStore extends DerivedStore implements MarkStore {
  private static final byte[] MARK = new byte[0];


  /**
   * A store on its own part of the key space.
   *
   * @param records the record store
   * @param prefix what every key of this store starts with
   */
  public RecordMarkStore(RecordStore records, String prefix) {
    super(records, prefix);
  }

  @Override
  public boolean mark(String key, Duration ttl) {
    return records.create(prefix + key, MARK, Require.storedDuration(ttl, "ttl")).created();
  }

  @Override
  public boolean unmark(String key) {
    // Of concurrent unmarks of a live mark, the store lets exactly one delete it.
    return records.delete(prefix + key, 0);
  }
}
