package dev.idempotency;

import dev.idempotency.codec.ResultCodec;
import dev.idempotency.internal.Envelope;
import dev.idempotency.internal.Exceptions;
import dev.idempotency.spi.StoredRecord;
import dev.idempotency.spi.support.Listeners;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a completed record back into what the first call gave: its value, or its terminal failure
 * (re-created by {@link StoredFailures}), or {@link ResultNotStoredException} for a result that
 * could not be stored.
 */
final class Replays {
  private static final Logger LOG = LoggerFactory.getLogger(Replays.class);

  private Replays() {}

  static <T> CallResult<T> replay(IdempotencyKey key, ResultCodec<T> codec, CallOptions options,
      StoredRecord record, IdempotencyListener listener) {
    byte[] envelope = record.payload();
    FencingToken token = FencingToken.of(record.fencingToken());
    int kind = Envelope.kind(envelope);
    if (kind != Envelope.VALUE) {
      Listeners.report(listener, IdempotencyEvent.REPLAYED, key.namespace());
    }
    switch (kind) {
      case Envelope.NULL:
        return new CallResult<>(null, true, token);
      case Envelope.VALUE:
        T value;
        try {
          value = codec.decode(Envelope.valueBytes(envelope));
        } catch (ResultCodecException e) {
          throw e;
        } catch (RuntimeException e) {
          throw new ResultCodecException("cannot decode the stored result of " + key, e);
        }
        Listeners.report(listener, IdempotencyEvent.REPLAYED, key.namespace());
        LOG.debug("replayed the stored result of {}", key);
        return new CallResult<>(value, true, token);
      case Envelope.NOT_STORED:
        throw new ResultNotStoredException(key, Envelope.notStoredReason(envelope));
      default:
        Envelope.StoredFailure failure = Envelope.failureOf(envelope);
        throw Exceptions.rethrow(StoredFailures.recreate(failure.type(), failure.message(), options));
    }
  }
}
