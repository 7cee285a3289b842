package dev.idempotency.lock;

import dev.idempotency.FencingToken;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.StoreUnavailableException;
import dev.idempotency.defence.DefenceOutcome;
import dev.idempotency.defence.Layer;
import dev.idempotency.spi.StoreStep;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The lock as a layer; see {@link DistributedLocks#asLayer}. */
final class LockLayer<R, T> implements Layer<R, T> {
  private static final Logger LOG = LoggerFactory.getLogger(LockLayer.class);

  private final DistributedLocks locks;
  private final Function<? super R, IdempotencyKey> key;
  private final LockOptions options;
  private final BiConsumer<? super R, ? super FencingToken> onAcquired;

  LockLayer(DistributedLocks locks, Function<? super R, IdempotencyKey> key, LockOptions options,
      BiConsumer<? super R, ? super FencingToken> onAcquired) {
    this.locks = locks;
    this.key = key;
    this.options = options;
    this.onAcquired = onAcquired;
  }

  @Override
  public String name() {
    return "lock";
  }

  @Override
  public DefenceOutcome<T> apply(R request, Chain<T> next) throws Exception {
    IdempotencyKey k = key.apply(request);
    return holding(request, k, locks.tryLock(k, options), next);
  }

  @Override
  public Opening<T> open(R request) {
    if (!locks.hasSteps()) {
      return null;
    }
    IdempotencyKey k = key.apply(request);
    DistributedLocks.Attempt attempt = locks.attempt(k, options);
    if (attempt == null) {
      return null;
    }
    return new Opening<>() {
      @Override
      public StoreStep<?> step() {
        return attempt.step;
      }

      @Override
      public DefenceOutcome<T> apply(Object reply, Chain<T> next) throws Exception {
        return holding(request, k, attempt.handle((OptionalLong) reply), next);
      }

      @Override
      public void unused(Object reply) {
        if (((OptionalLong) reply).isPresent()) {
          locks.store().release(attempt.storageKey, attempt.owner);
        }
      }

      @Override
      public void failed(RuntimeException failure) {
        attempt.failed(failure);
      }
    };
  }

  private DefenceOutcome<T> holding(R request, IdempotencyKey k, Optional<LockHandle> handle, Chain<T> next)
      throws Exception {
    if (handle.isEmpty()) {
      return new DefenceOutcome.Stopped<>(name(), DefenceOutcome.Reason.LOCKED,
          "lock " + k + " is held by another caller");
    }
    try {
      onAcquired.accept(request, handle.get().fencingToken());
      return next.proceed();
    } finally {
      try {
        // Inside a claimed action, the release goes with the claim's completion, one round trip for both.
        if (!(handle.get() instanceof FencedLock f && f.releaseAfterAction())) {
          handle.get().release();
        }
      } catch (StoreUnavailableException e) {
        // The lease frees the lock anyway; the outcome of the inner layers stands.
        LOG.warn("could not release lock {}: {}", k, e.getMessage());
      }
    }
  }
}
