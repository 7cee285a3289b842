package dev.idempotency.spi;

import java.time.Duration;

/**
 * The one primitive a backend must provide: a keyed store of versioned byte records with expiry.
 * {@link RecordBackend} derives every strategy's store from it (idempotent calls, tokens, dedup,
 * fenced locks, state machines, stock, rate limits), so a backend that implements only this
 * interface passes the whole contract kit. A backend may still hand out its own stores for some
 * strategies as native fast paths (the Redis and JDBC backends do, for all of them).
 *
 * <h2>The contract (also {@code docs/contract.md}, "The record store")</h2>
 * <ul>
 *   <li><b>Atomic and linearizable per key.</b> Each method is one atomic step on one key: of
 *       concurrent {@link #create}s of an absent key exactly one succeeds; of concurrent
 *       {@link #replace}s or {@link #delete}s naming the same version at most one succeeds.</li>
 *   <li><b>Versions.</b> Every successful write gives the record a new version, greater than every
 *       version this store has given the same key before, <em>including versions of records deleted
 *       or expired since</em>, and greater than every version it gave any key before this write
 *       began. The derived stores use versions as fencing tokens, so this is what keeps a lock's or
 *       a claim's token growing and the tokens of all strategies comparable. A store-wide counter
 *       qualifies, and so does a clock reading in microseconds raised past the last one issued
 *       ({@link dev.idempotency.spi.support.RecordVersions}), as far as the clocks of the servers
 *       issuing them agree. Writes of two keys at the same moment may get equal versions. Versions
 *       are positive.</li>
 *   <li><b>Expiry.</b> A record written with a time to live is absent for every method once it has
 *       run out, to the millisecond, on the store's clock (the server's where there is one). A
 *       store may remove it lazily. A null time to live keeps the record until it is deleted.</li>
 *   <li><b>The store's clock.</b> {@link #read} reports the store's time, in microseconds, on the
 *       same clock that expiry is decided on; only differences between readings matter (it need not
 *       be the epoch). It does not run backwards while the store lives.</li>
 *   <li><b>Failures.</b> A store that cannot be reached throws
 *       {@link dev.idempotency.StoreUnavailableException}; the outcome of a write that threw is
 *       unknown, and the derived stores read again before they decide.</li>
 *   <li><b>Values are opaque.</b> The store keeps the bytes it was given and returns them unchanged;
 *       it never inspects them. Keys are strings of at most 1,024 characters chosen by the core.</li>
 * </ul>
 *
 * <p>Implementations are thread-safe.
 */
public interface RecordStore extends Store {

  /**
   * A live record.
   *
   * @param value its bytes, as written (not copied: callers must not modify them)
   * @param version its version, positive
   * @param expiresAtMicros when it expires on the store's clock, or {@link Long#MAX_VALUE} if never
   */
  record Entry(byte[] value, long version, long expiresAtMicros) {}

  /**
   * What {@link #read} saw.
   *
   * @param entry the live record, or null if there is none
   * @param nowMicros the store's clock at the read, in microseconds
   */
  record Snapshot(Entry entry, long nowMicros) {}

  /**
   * What {@link #create} did: created the record, or found a live one.
   *
   * @param version the new record's version, or 0 if a live record exists
   * @param existing the live record that kept the create from happening, or null if it was created
   */
  record Created(long version, Entry existing) {
    /**
     * Whether the record was created.
     *
     * @return true if it was
     */
    public boolean created() {
      return version > 0;
    }
  }

  /**
   * Reads a key's live record and the store's clock, in one step.
   *
   * @param key the key
   * @return the record, if live, and the store's time
   */
  Snapshot read(String key);

  /**
   * Creates a record if the key has no live one, and otherwise returns the live one, in one step
   * (so that a duplicate's claim, or a lock already held, costs one round trip).
   *
   * @param key the key
   * @param value the bytes to keep
   * @param ttl how long it lives, positive; null to keep it until deleted
   * @return the new record's version, or the live record (and nothing was written)
   */
  Created create(String key, byte[] value, Duration ttl);

  /**
   * Replaces a live record if its version is the expected one.
   *
   * @param key the key
   * @param expectedVersion the version read
   * @param value the new bytes
   * @param ttl the new time to live, from now, positive; null to keep it until deleted
   * @return the new version, or 0 if the record is absent, expired or at another version (and
   *     nothing was written)
   */
  long replace(String key, long expectedVersion, byte[] value, Duration ttl);

  /**
   * Deletes a live record if its version is the expected one, or whatever live record there is if
   * the expected version is 0.
   *
   * @param key the key
   * @param expectedVersion the version read, or 0 for any
   * @return true if a live record was deleted; false if absent, expired or at another version. Of
   *     concurrent deletes of one record, at most one gets true.
   */
  boolean delete(String key, long expectedVersion);

  /** Releases what the store opened itself; by default nothing. Idempotent. */
  default void close() {}
}
