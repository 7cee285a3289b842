package dev.idempotency.spi;

import java.time.Duration;
import java.util.Optional;

/**
 * The backend of the idempotent call: a record per key that is claimed, completed, released and
 * read back. The engine ({@link dev.idempotency.IdempotencyEngine}) holds all the logic; a store
 * answers four atomic questions.
 *
 * <h2>Fencing tokens</h2>
 * Every successful claim returns a token greater than any token earlier issued for the same key
 * (a store-wide counter, or a backend-clock reading, both qualify). {@link #complete} and
 * {@link #release} act only when the record is still in progress under the caller's token and its
 * lease has not run out, so the late completion of an owner whose lease expired never overwrites the
 * new owner's record, and is refused alike on every backend when nobody has taken over.
 */
public interface IdempotencyStore extends Store {
  /**
   * Claims a key in one atomic step: creates an in-progress record if there is none, or if the
   * existing one is in progress with an expired lease (a takeover); otherwise returns what exists.
   *
   * @param key the storage key ({@link dev.idempotency.IdempotencyKey#storageKey()})
   * @param fingerprint the request's fingerprint, stored with the claim
   * @param lease how long the claim is held before another caller may take it over
   * @return the new claim, or the existing record
   */
  ClaimResult claim(String key, String fingerprint, Duration lease);

  /**
   * {@link #claim} as a step that its backend can run before others in one round trip, or null if
   * the backend has no {@link StepRunner} (the default), or cannot make the claim's reply as sure
   * in a step as alone (for example when it must wait for replicas). The idempotent call as the
   * first layer of a {@link dev.idempotency.defence.LayeredDefence} sends its claim this way with
   * the opening steps of the layers inside it: the step {@link StoreStep#passes passes} only when
   * the claim was acquired, so a replay or a duplicate in progress runs none of the steps behind it.
   * Running the step has exactly {@link #claim}'s effect and its reply is {@link #claim}'s answer.
   * Has no effect itself; never asked of a store that {@link #joinsCallerTransaction() joins the
   * caller's transaction}.
   *
   * @param key the storage key ({@link dev.idempotency.IdempotencyKey#storageKey()})
   * @param fingerprint the request's fingerprint, stored with the claim
   * @param lease how long the claim is held before another caller may take it over
   * @return the step, whose reply is a {@link ClaimResult} and which passes on
   *     {@link ClaimResult.Acquired}; or null
   */
  default StoreStep<ClaimResult> claimStep(String key, String fingerprint, Duration lease) {
    return null;
  }

  /**
   * Completes a claim: replaces the in-progress record with the given payload, kept for the
   * retention, but only if the record is still in progress under this fencing token and within its
   * lease. A repeated completion under the same token, once the record is completed under it, is
   * confirmed (true) and changes nothing: the engine retries a completion whose reply was lost, and
   * must not take its own landed first attempt for a lost claim.
   *
   * @param key the storage key
   * @param fencingToken the token the claim returned
   * @param payload the encoded outcome (opaque to the store)
   * @param retention how long the completed record is kept for replay
   * @return true if stored, false if the claim had been lost (expired, taken over or released)
   */
  boolean complete(String key, long fencingToken, byte[] payload, Duration retention);

  /**
   * {@link #complete} as a step that its backend can run after others in one round trip (the
   * engine sends the writes its action left for after it, such as a layer's lock release, with the
   * completion), or null if the backend has no {@link StepRunner} (the default). Never asked of a
   * store that {@link #joinsCallerTransaction() joins the caller's transaction}.
   *
   * @param key the storage key
   * @param fencingToken the token the claim returned
   * @param payload the encoded outcome (opaque to the store)
   * @param retention how long the completed record is kept for replay
   * @return the step, whose reply is {@link #complete}'s; or null
   */
  default StoreStep<Boolean> completeStep(String key, long fencingToken, byte[] payload, Duration retention) {
    return null;
  }

  /**
   * Releases a claim so that a retry may run: deletes the record, but only if it is in progress
   * under this fencing token and within its lease. Leaves nothing behind.
   *
   * @param key the storage key
   * @param fencingToken the token the claim returned
   * @return true if released, false if the claim had been lost already
   */
  boolean release(String key, long fencingToken);

  /**
   * Reads a record as it is now; an expired one is absent.
   *
   * @param key the storage key
   * @return the record, if there is a live one
   */
  Optional<StoredRecord> find(String key);

  /**
   * The largest payload {@link #complete} accepts, in bytes. The engine checks a result against it
   * (and the call's own limit) before the round trip, and completes an over-large result with a
   * small marker instead.
   *
   * @return the limit; by default {@code Integer.MAX_VALUE - 64}
   */
  default int maxPayloadBytes() {
    return Integer.MAX_VALUE - 64;
  }

  /**
   * Whether this store writes in the caller's own transaction (the JDBC in-transaction mode). Then
   * the claim, the action's writes and the completion commit or roll back together, so the engine
   * never retries or swallows a failed completion: it fails the call, and the caller's rollback
   * undoes everything.
   *
   * @return false by default
   */
  default boolean joinsCallerTransaction() {
    return false;
  }
}
