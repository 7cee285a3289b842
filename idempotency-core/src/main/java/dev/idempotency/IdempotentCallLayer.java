package dev.idempotency;

import dev.idempotency.codec.ResultCodec;
import dev.idempotency.defence.DefenceOutcome;
import dev.idempotency.defence.Layer;
import java.util.function.Function;

/** The idempotent call as a layer; see {@link IdempotencyEngine#asLayer}. */
final class IdempotentCallLayer<R, T> implements Layer<R, T> {
  private final IdempotencyEngine engine;
  private final Function<? super R, IdempotencyKey> key;
  private final Function<? super R, Fingerprint> fingerprint;
  private final ResultCodec<T> codec;
  private final CallOptions options;

  IdempotentCallLayer(IdempotencyEngine engine, Function<? super R, IdempotencyKey> key,
      Function<? super R, Fingerprint> fingerprint, ResultCodec<T> codec, CallOptions options) {
    this.engine = engine;
    this.key = key;
    this.fingerprint = fingerprint;
    this.codec = codec;
    this.options = options;
  }

  @Override
  public String name() {
    return "idempotent-call";
  }

  @Override
  public DefenceOutcome<T> apply(R request, Chain<T> next) throws Exception {
    Inner<T> inner = new Inner<>(next);
    CallResult<T> result;
    try {
      // An inner layer's stop is not kept: the engine releases the claim, so that a retry runs again.
      result = engine.execute(key.apply(request), fingerprint.apply(request), codec, options, inner,
          value -> inner.stopped == null);
    } catch (RequestInProgressException e) {
      return new DefenceOutcome.Stopped<>(name(), DefenceOutcome.Reason.IN_PROGRESS, e.getMessage());
    } catch (KeyReusedException e) {
      return new DefenceOutcome.Stopped<>(name(), DefenceOutcome.Reason.KEY_REUSED, e.getMessage());
    }
    if (inner.stopped != null) {
      return inner.stopped;
    }
    return result.replayed() ? new DefenceOutcome.Replayed<>(result.value(), name())
        : new DefenceOutcome.Executed<>(result.value());
  }

  /** The inner layers and the action, run once by the engine; remembers an inner stop. */
  private static final class Inner<T> implements IdempotentAction<T, Exception> {
    private final Chain<T> next;
    private DefenceOutcome.Stopped<T> stopped;

    Inner(Chain<T> next) {
      this.next = next;
    }

    @Override
    public T run(Claim claim) throws Exception {
      DefenceOutcome<T> outcome = next.proceed();
      if (outcome instanceof DefenceOutcome.Stopped<T> s) {
        stopped = s;
        return null;
      }
      return outcome.value().orElse(null);
    }
  }
}
