package dev.idempotency;

import dev.idempotency.codec.ResultCodec;
import dev.idempotency.defence.DefenceOutcome;
import dev.idempotency.defence.Layer;
import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.StoreStep;
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
    return run(key.apply(request), fingerprint.apply(request), null, next);
  }

  /**
   * The claim as a step, so that the layers inside this one send their opening steps with it in one
   * round trip. The step passes only on a claim acquired: a replay, a duplicate in progress or a key
   * reused runs none of the inner layers' steps (no permit spent, no token used, no lock taken), as
   * when the claim goes alone.
   */
  @Override
  public Opening<T> open(R request) {
    if (!engine.mayClaimByStep()) {
      return null; // not computing the key and fingerprint here that apply computes again
    }
    IdempotencyKey k = key.apply(request);
    Fingerprint f = fingerprint.apply(request);
    if (k == null || f == null) {
      return null; // apply reports the bad input
    }
    StoreStep<ClaimResult> step = engine.claimStep(k, f, options);
    if (step == null) {
      return null;
    }
    long sentAt = engine.nanoTime();
    return new Opening<>() {
      @Override
      public StoreStep<?> step() {
        return step;
      }

      @Override
      public DefenceOutcome<T> apply(Object reply, Chain<T> next) throws Exception {
        return run(k, f, new IdempotencyEngine.SentClaim((ClaimResult) reply, sentAt), next);
      }

      @Override
      public void unused(Object reply) {
        engine.giveBack(k, (ClaimResult) reply);
      }

      @Override
      public void failed(RuntimeException failure) {
        engine.claimFailed(k, failure);
      }
    };
  }

  private DefenceOutcome<T> run(IdempotencyKey k, Fingerprint f, IdempotencyEngine.SentClaim sent, Chain<T> next)
      throws Exception {
    Inner<T> inner = new Inner<>(next);
    CallResult<T> result;
    try {
      // An inner layer's stop is not kept: the engine releases the claim, so that a retry runs again.
      result = engine.execute(k, f, codec, options, inner, value -> inner.stopped == null, sent);
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
