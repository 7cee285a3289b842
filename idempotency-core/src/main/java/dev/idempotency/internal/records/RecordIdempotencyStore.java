package dev.idempotency.internal.records;

import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.RecordStore;
import dev.idempotency.spi.StoredRecord;
import dev.idempotency.spi.support.Require;
import java.time.Duration;
import java.util.Optional;

/**
 * Idempotent calls over a record store. A claim is a record created with the lease as its time to
 * live, so an abandoned claim simply expires and the next claim creates it again; its fencing
 * token is the version the store gave it, which grows across deletes and expiry. A completion
 * replaces the record under the version it was claimed at, so it lands only within the lease and
 * only for the claim's owner.
 */
public final class RecordIdempotencyStore implements IdempotencyStore {
  private static final int FORMAT = 1;
  private static final String WHAT = "idempotency";

  private final RecordStore records;
  private final String prefix;

  /**
   * A store on its own part of the key space.
   *
   * @param records the record store
   * @param prefix what every key of this store starts with
   */
  public RecordIdempotencyStore(RecordStore records, String prefix) {
    this.records = records;
    this.prefix = prefix;
  }

  @Override
  public String name() {
    return records.name();
  }

  @Override
  public ClaimResult claim(String key, String fingerprint, Duration lease) {
    Require.storedDuration(lease, "lease");
    String k = prefix + key;
    // The token of an in-progress record is its version (0 stands for it in the bytes), so a claim
    // is one create when the key is free.
    byte[] claimed = new Bytes.Out(FORMAT, 24 + fingerprint.length()).bool(false).i64(0).text(fingerprint).done();
    while (true) {
      long version = records.create(k, claimed, lease);
      if (version > 0) {
        return new ClaimResult.Acquired(version);
      }
      RecordStore.Entry live = records.read(k).entry();
      if (live != null) {
        return new ClaimResult.Existing(decode(live));
      }
      // It expired or was released between the two steps: claim again.
    }
  }

  @Override
  public boolean complete(String key, long fencingToken, byte[] payload, Duration retention) {
    Require.storedDuration(retention, "retention");
    String k = prefix + key;
    byte[] completed = null;
    while (true) {
      RecordStore.Entry live = records.read(k).entry();
      if (live == null) {
        return false;
      }
      StoredRecord r = decode(live);
      if (r.fencingToken() != fencingToken) {
        return false;
      }
      if (r.status() == StoredRecord.Status.COMPLETED) {
        // A repeated completion whose first attempt landed: confirmed, nothing changes.
        return true;
      }
      if (completed == null) {
        completed = new Bytes.Out(FORMAT, 40 + r.fingerprint().length() + payload.length)
            .bool(true).i64(fencingToken).text(r.fingerprint()).bytes(payload).done();
      }
      if (records.replace(k, live.version(), completed, retention) > 0) {
        return true;
      }
    }
  }

  @Override
  public boolean release(String key, long fencingToken) {
    String k = prefix + key;
    while (true) {
      RecordStore.Entry live = records.read(k).entry();
      if (live == null) {
        return false;
      }
      StoredRecord r = decode(live);
      if (r.status() != StoredRecord.Status.IN_PROGRESS || r.fencingToken() != fencingToken) {
        return false;
      }
      if (records.delete(k, live.version())) {
        return true;
      }
    }
  }

  @Override
  public Optional<StoredRecord> find(String key) {
    RecordStore.Entry live = records.read(prefix + key).entry();
    return live == null ? Optional.empty() : Optional.of(decode(live));
  }

  private static StoredRecord decode(RecordStore.Entry e) {
    Bytes.In in = new Bytes.In(e.value(), FORMAT, WHAT);
    boolean completed = in.bool();
    long token = in.i64();
    String fingerprint = in.text();
    if (!completed) {
      in.end();
      return StoredRecord.inProgress(fingerprint, token == 0 ? e.version() : token);
    }
    byte[] payload = in.bytes();
    in.end();
    return StoredRecord.completed(fingerprint, token, payload);
  }
}
