package dev.idempotency.lock;

import dev.idempotency.FencingToken;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.StoreUnavailableException;
import dev.idempotency.defence.DefenceOutcome;
import dev.idempotency.defence.Layer;
import java.util.Optional;
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
    Optional<LockHandle> handle = locks.tryLock(k, options);
    if (handle.isEmpty()) {
      return new DefenceOutcome.Stopped<>(name(), DefenceOutcome.Reason.LOCKED,
          "lock " + k + " is held by another caller");
    }
    try {
      onAcquired.accept(request, handle.get().fencingToken());
      return next.proceed();
    } finally {
      try {
        handle.get().release();
      } catch (StoreUnavailableException e) {
        // The lease frees the lock anyway; the outcome of the inner layers stands.
        LOG.warn("could not release lock {}: {}", k, e.getMessage());
      }
    }
  }
}
