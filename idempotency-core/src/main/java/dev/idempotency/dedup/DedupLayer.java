package dev.idempotency.dedup;

import dev.idempotency.IdempotencyKey;
import dev.idempotency.defence.DefenceOutcome;
import dev.idempotency.defence.Layer;
import java.util.function.Function;

/** The dedup table as a layer; see {@link Deduplicator#asLayer}. */
final class DedupLayer<R, T> implements Layer<R, T> {
  private final Deduplicator deduplicator;
  private final Function<? super R, IdempotencyKey> key;

  DedupLayer(Deduplicator deduplicator, Function<? super R, IdempotencyKey> key) {
    this.deduplicator = deduplicator;
    this.key = key;
  }

  @Override
  public String name() {
    return "dedup";
  }

  @Override
  public DefenceOutcome<T> apply(R request, Chain<T> next) throws Exception {
    IdempotencyKey k = key.apply(request);
    if (deduplicator.markFirst(k) == DedupResult.DUPLICATE) {
      return new DefenceOutcome.Stopped<>(name(), DefenceOutcome.Reason.DUPLICATE,
          "key " + k + " was processed before");
    }
    try {
      return next.proceed();
    } catch (Exception | Error e) {
      try {
        deduplicator.forget(k);
      } catch (RuntimeException forgetFailure) {
        e.addSuppressed(forgetFailure);
      }
      throw e;
    }
  }
}
