package dev.idempotency.internal.records;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
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
public final class RecordIdempotencyStore extends DerivedStore implements IdempotencyStore {
  private static final int FORMAT = 1;
  private static final String WHAT = "idempotency";

  /**
   * The fingerprint of each claim this store made, by key and token (tokens of two keys may be
   * equal on a store whose members issue versions from their clocks), for its completion: with it a
   * completion is one compare-and-set instead of a read and a compare-and-set. Bounded; a claim it
   * no longer holds is completed the long way.
   */
  private final Cache<String, String> claimed = Caffeine.newBuilder().maximumSize(100_000)
      .expireAfterWrite(Duration.ofHours(1)).executor(Runnable::run).build();

  /**
   * A store on its own part of the key space.
   *
   * @param records the record store
   * @param prefix what every key of this store starts with
   */
  public RecordIdempotencyStore(RecordStore records, String prefix) {
    super(records, prefix);
  }

  @Override
  public ClaimResult claim(String key, String fingerprint, Duration lease) {
    Require.storedDuration(lease, "lease");
    String k = prefix + key;
    // The token of an in-progress record is its version (0 stands for it in the bytes), so a claim
    // is one create when the key is free.
    byte[] bytes = new Bytes.Out(FORMAT, 24 + fingerprint.length()).bool(false).i64(0).text(fingerprint).done();
    RecordStore.Created c = records.create(k, bytes, lease);
    if (!c.created()) {
      return new ClaimResult.Existing(decode(c.existing()));
    }
    claimed.put(claim(k, c.version()), fingerprint);
    return new ClaimResult.Acquired(c.version());
  }

  @Override
  public boolean complete(String key, long fencingToken, byte[] payload, Duration retention) {
    Require.storedDuration(retention, "retention");
    String k = prefix + key;
    // An in-progress record's version is its token (only its completion replaces it), so with the
    // claim's fingerprint at hand the completion is one compare-and-set on that version.
    String fingerprint = claimed.asMap().remove(claim(k, fencingToken));
    if (fingerprint != null && records.replace(k, fencingToken, completed(fencingToken, fingerprint, payload),
        retention) > 0) {
      return true;
    }
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
    if (records.replace(k, live.version(), completed(fencingToken, r.fingerprint(), payload), retention) > 0) {
      return true;
    }
    // Replaced meanwhile: by this completion's own first attempt (then it is confirmed), or lost.
    return find(key).filter(now -> now.status() == StoredRecord.Status.COMPLETED
        && now.fencingToken() == fencingToken).isPresent();
  }

  @Override
  public boolean release(String key, long fencingToken) {
    claimed.invalidate(claim(prefix + key, fencingToken));
    // Only the in-progress record created under this token has it as its version (a completion
    // gives a new version), so one conditional delete decides.
    return fencingToken > 0 && records.delete(prefix + key, fencingToken);
  }

  @Override
  public Optional<StoredRecord> find(String key) {
    RecordStore.Entry live = records.read(prefix + key).entry();
    return live == null ? Optional.empty() : Optional.of(decode(live));
  }

  private static String claim(String k, long token) {
    return token + ":" + k;
  }

  private static byte[] completed(long token, String fingerprint, byte[] payload) {
    return new Bytes.Out(FORMAT, 40 + fingerprint.length() + payload.length)
        .bool(true).i64(token).text(fingerprint).bytes(payload).done();
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
