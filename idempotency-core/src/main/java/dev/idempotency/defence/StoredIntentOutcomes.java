package dev.idempotency.defence;

import dev.idempotency.CorruptRecordException;
import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.codec.ResultCodec;
import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.StoredRecord;
import dev.idempotency.spi.support.Hashing;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@link IntentOutcomes#stored}: a result under the intent's key, a stop under a key derived from it
 * (so that a result recorded after a stop is never hidden by it), each written once (claim, then
 * complete) and kept for the retention. The stored form is a tag byte, then the codec's bytes of a
 * result (a length of -1 for null) or the stop's layer, reason and detail.
 */
final class StoredIntentOutcomes<R, T> implements IntentOutcomes<R, T> {
  private static final Duration WRITE_LEASE = Duration.ofSeconds(30);
  private static final byte RESULT = 'R';
  private static final byte STOP = 'S';

  private final IdempotencyStore store;
  private final Function<? super R, IdempotencyKey> intent;
  private final ResultCodec<T> codec;
  private final Duration retention;

  StoredIntentOutcomes(IdempotencyStore store, Function<? super R, IdempotencyKey> intent, ResultCodec<T> codec,
      Duration retention) {
    this.store = store;
    this.intent = intent;
    this.codec = codec;
    this.retention = retention;
  }

  @Override
  public Optional<DefenceOutcome<T>> find(R request) {
    IdempotencyKey key = intent.apply(request);
    Optional<DefenceOutcome<T>> result = read(key.storageKey());
    return result.isPresent() ? result : read(stopKey(key).storageKey());
  }

  @Override
  public void record(R request, DefenceOutcome<T> outcome) {
    IdempotencyKey key = intent.apply(request);
    if (outcome instanceof DefenceOutcome.Stopped<T> s) {
      write(stopKey(key).storageKey(), encodeStop(s));
    } else {
      write(key.storageKey(), encodeResult(outcome.value().orElse(null)));
    }
  }

  /** The stop's key: same scope, the value hashed so that any intent's value fits. */
  private static IdempotencyKey stopKey(IdempotencyKey key) {
    return new IdempotencyKey(key.scope(), "stop:" + Hashing.sha256Hex(key.value()));
  }

  private void write(String storageKey, byte[] payload) {
    ClaimResult claimed = store.claim(storageKey, Fingerprint.none().value(), WRITE_LEASE);
    if (claimed instanceof ClaimResult.Acquired acquired) {
      store.complete(storageKey, acquired.fencingToken(), payload, retention);
    }
    // Existing: the intent's outcome of this kind is recorded (or being recorded) already; it stays.
  }

  private Optional<DefenceOutcome<T>> read(String storageKey) {
    return store.find(storageKey).filter(r -> r.status() == StoredRecord.Status.COMPLETED)
        .map(r -> decode(storageKey, r.payload()));
  }

  private byte[] encodeResult(T value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(RESULT);
      if (value == null) {
        out.writeInt(-1);
      } else {
        byte[] encoded = codec.encode(value);
        out.writeInt(encoded.length);
        out.write(encoded);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static byte[] encodeStop(DefenceOutcome.Stopped<?> s) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(STOP);
      out.writeUTF(s.layer());
      out.writeUTF(s.reason().name());
      out.writeUTF(s.detail().length() > 1000 ? s.detail().substring(0, 1000) : s.detail());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private DefenceOutcome<T> decode(String storageKey, byte[] payload) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
      byte tag = in.readByte();
      if (tag == RESULT) {
        int length = in.readInt();
        if (length < -1 || length > in.available()) {
          throw new IOException("a result length of " + length);
        }
        return new DefenceOutcome.Executed<>(length < 0 ? null : codec.decode(in.readNBytes(length)));
      }
      if (tag == STOP) {
        return new DefenceOutcome.Stopped<>(in.readUTF(), DefenceOutcome.Reason.valueOf(in.readUTF()), in.readUTF());
      }
      throw new IOException("an unknown tag " + tag);
    } catch (IOException | IllegalArgumentException | NullPointerException e) {
      throw new CorruptRecordException("the outcome of intent " + storageKey + " in " + store.name()
          + " cannot be read: " + e.getMessage(), e);
    }
  }
}
