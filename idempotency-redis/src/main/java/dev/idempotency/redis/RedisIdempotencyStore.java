package dev.idempotency.redis;

import dev.idempotency.CorruptRecordException;
import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.StepRunner;
import dev.idempotency.spi.StoreStep;
import dev.idempotency.spi.StoredRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Idempotency records as one hash per key: {@code s} status (0 in progress, 1 completed), {@code f}
 * fingerprint, {@code t} fencing token, {@code p} payload. In progress it lives for the lease, then
 * for the retention. Claim, complete and release are one script each; find is one HMGET.
 *
 * <p>A fingerprint of 64 hex digits (every SHA-256 {@link dev.idempotency.Fingerprint}) is stored as
 * its 32 bytes, half its text; any other value (empty for none) as its UTF-8 text. Read back, 32
 * bytes are the hex digits again and anything else is text, so records written as text before are
 * read alike.
 */
final class RedisIdempotencyStore implements IdempotencyStore {
  private static final byte[][] FIELDS = {Bytes.utf8("s"), Bytes.utf8("f"), Bytes.utf8("t"), Bytes.utf8("p")};
  /** The bytes of a SHA-256 fingerprint. */
  private static final int BINARY_FINGERPRINT = 32;
  private static final java.util.HexFormat HEX = java.util.HexFormat.of();

  private final RedisExecutor redis;
  private final RedisKeys keys;
  private final RedisSteps steps;

  RedisIdempotencyStore(RedisExecutor redis, RedisKeys keys, RedisSteps steps) {
    this.redis = redis;
    this.keys = keys;
    this.steps = steps;
  }

  private byte[] recordKey(String key) {
    return keys.bytes(RedisKeys.Type.RECORD, key);
  }

  @Override
  public String name() {
    return redis.name();
  }

  @Override
  public ClaimResult claim(String key, String fingerprint, Duration lease) {
    Object reply;
    try {
      reply = redis.run("claim", Scripts.CLAIM, recordKey(key),
          List.of(storedFingerprint(fingerprint), Bytes.millis(lease, "lease")));
    } catch (RedisExecutor.NotReplicatedException e) {
      if (e.reply() != null && !(e.reply() instanceof List<?>)) {
        // Claimed on the primary alone: the action must not run, and a retry may claim again.
        undoClaim(key, Bytes.number(e.reply()));
      }
      throw e;
    }
    return claimResult(reply);
  }

  /**
   * {@inheritDoc} The claim script's body among the other steps' in one script. None when writes
   * wait for replicas: a claim the replicas did not acknowledge must be undone before any step
   * behind it acts, which only the claim sent alone can do.
   */
  @Override
  public StoreStep<ClaimResult> claimStep(String key, String fingerprint, Duration lease) {
    if (redis.waitsForReplicas()) {
      return null;
    }
    byte[] k = recordKey(key);
    List<byte[]> args = List.of(storedFingerprint(fingerprint), Bytes.millis(lease, "lease"));
    return new RedisStep<>(steps, "claim", Scripts.CLAIM.source(), "type(r) ~= 'table'", k, args,
        () -> claim(key, fingerprint, lease), RedisIdempotencyStore::claimResult,
        r -> r instanceof ClaimResult.Acquired);
  }

  private static ClaimResult claimResult(Object reply) {
    if (reply instanceof List<?> existing) {
      return new ClaimResult.Existing(record(existing));
    }
    return new ClaimResult.Acquired(Bytes.number(reply));
  }

  private void undoClaim(String key, long token) {
    try {
      redis.call("release", j -> Scripts.RELEASE.run(j, List.of(recordKey(key)), List.of(Bytes.ascii(token))));
    } catch (RuntimeException e) {
      // the claim stays, ownerless, until its lease ends, as when a claim's reply is lost
    }
  }

  @Override
  public StepRunner stepRunner() {
    return steps;
  }

  @Override
  public boolean complete(String key, long fencingToken, byte[] payload, Duration retention) {
    return completed(redis.run("complete", Scripts.COMPLETE, recordKey(key), completeArgs(fencingToken, payload,
        retention)));
  }

  /**
   * {@inheritDoc} Among other steps (a layer's lock release), the same script's body in one script
   * with theirs: with a replica acknowledgement required, the one script waits for it as each did.
   */
  @Override
  public StoreStep<Boolean> completeStep(String key, long fencingToken, byte[] payload, Duration retention) {
    byte[] k = recordKey(key);
    List<byte[]> args = completeArgs(fencingToken, payload, retention);
    return new RedisStep<>(steps, "complete", Scripts.COMPLETE.source(), "true", k, args,
        () -> completed(redis.run("complete", Scripts.COMPLETE, k, args)), RedisIdempotencyStore::completed,
        r -> true);
  }

  private static List<byte[]> completeArgs(long fencingToken, byte[] payload, Duration retention) {
    return List.of(Bytes.ascii(fencingToken), payload, Bytes.millis(retention, "retention"));
  }

  private static boolean completed(Object reply) {
    return Bytes.number(reply) == 1;
  }

  @Override
  public boolean release(String key, long fencingToken) {
    Object reply = redis.run("release", Scripts.RELEASE, recordKey(key), List.of(Bytes.ascii(fencingToken)));
    return Bytes.number(reply) == 1;
  }

  @Override
  public Optional<StoredRecord> find(String key) {
    List<byte[]> fields = redis.call("find", j -> j.hmget(recordKey(key), FIELDS));
    if (fields.get(0) == null) {
      return Optional.empty();
    }
    return Optional.of(record(fields));
  }

  /** Parses the four fields; a missing or malformed one is a {@link CorruptRecordException}. */
  private static StoredRecord record(List<?> fields) {
    String status = new String(Bytes.field(fields, 0, "s"), StandardCharsets.US_ASCII);
    String fingerprint = readFingerprint(Bytes.field(fields, 1, "f"));
    long token = Bytes.number(Bytes.field(fields, 2, "t"));
    switch (status) {
      case "0":
        return StoredRecord.inProgress(fingerprint, token);
      case "1":
        return StoredRecord.completed(fingerprint, token, Bytes.field(fields, 3, "p"));
      default:
        throw new CorruptRecordException("the record's status is neither 0 nor 1", null);
    }
  }

  /** 64 lower-case hex digits as their 32 bytes; anything else as its text. */
  static byte[] storedFingerprint(String fingerprint) {
    if (fingerprint.length() == 2 * BINARY_FINGERPRINT && isLowerHex(fingerprint)) {
      return HEX.parseHex(fingerprint);
    }
    return Bytes.utf8(fingerprint);
  }

  /** The inverse of {@link #storedFingerprint}. */
  static String readFingerprint(byte[] stored) {
    return stored.length == BINARY_FINGERPRINT ? HEX.formatHex(stored) : new String(stored, StandardCharsets.UTF_8);
  }

  private static boolean isLowerHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
        return false;
      }
    }
    return true;
  }
}
