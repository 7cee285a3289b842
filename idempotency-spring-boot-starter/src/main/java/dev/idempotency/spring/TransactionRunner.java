package dev.idempotency.spring;

import dev.idempotency.CallOptions;
import dev.idempotency.CallResult;
import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.IdempotentAction;
import dev.idempotency.KeyReusedException;
import dev.idempotency.annotation.IdempotentMethods;
import dev.idempotency.codec.ResultCodec;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Runs {@code @Idempotent} calls made inside a Spring transaction so that the stored outcome follows
 * the transaction's:
 * <ul>
 *   <li>With the JDBC backend on the transaction's {@code DataSource}, the call joins the
 *       transaction (the claim and the result are rows of it): {@link SpringTransactionRunner}.</li>
 *   <li>With any other backend (Redis, memory, JDBC on another {@code DataSource}), the key is
 *       claimed and the action runs as usual, but the result is stored only after the transaction
 *       commits ({@code afterCompletion}); when it rolls back, the claim is released, so the retry
 *       runs again instead of replaying a result whose rows do not exist. Until then a duplicate
 *       from elsewhere sees the call in progress (409, or it waits, by the in-progress policy). A
 *       repeat of the same key inside the same transaction gets the pending result, as a replay.</li>
 *   <li>Outside a transaction, the call runs through the engine.</li>
 * </ul>
 * A commit whose outcome Spring cannot tell ({@code STATUS_UNKNOWN}) releases the claim, as a
 * rollback does, and logs it: a unique key in the database of record is what stops a second row
 * then. Storing the result after the commit is retried within the lease as in the engine; the
 * commit has already happened, so a failure there is logged, not thrown. Thread-safe.
 */
final class TransactionRunner implements IdempotentMethods.CallRunner {
  private static final Logger LOG = LoggerFactory.getLogger(TransactionRunner.class);

  private final IdempotencyEngine engine;
  private final IdempotentMethods.CallRunner joining;
  private final BooleanSupplier joins;
  private final boolean afterCommit;

  /**
   * A runner.
   *
   * @param engine the engine
   * @param joining the runner that joins the current transaction, or null
   * @param joins whether {@code joining} would join the transaction of the calling thread now
   * @param afterCommit whether other calls in a transaction store their result after its commit
   */
  TransactionRunner(IdempotencyEngine engine, IdempotentMethods.CallRunner joining, BooleanSupplier joins,
      boolean afterCommit) {
    this.engine = engine;
    this.joining = joining;
    this.joins = joins;
    this.afterCommit = afterCommit;
  }

  @Override
  public <T, X extends Exception> CallResult<T> execute(IdempotencyKey key, Fingerprint fingerprint,
      ResultCodec<T> codec, CallOptions options, IdempotentAction<T, X> action) throws X {
    if (joining != null && joins.getAsBoolean()) {
      return joining.execute(key, fingerprint, codec, options, action);
    }
    if (!afterCommit || !TransactionSynchronizationManager.isSynchronizationActive()
        || !TransactionSynchronizationManager.isActualTransactionActive()) {
      return engine.execute(key, fingerprint, codec, options, action);
    }
    return afterCommit(key, fingerprint, codec, options, action);
  }

  private <T, X extends Exception> CallResult<T> afterCommit(IdempotencyKey key, Fingerprint fingerprint,
      ResultCodec<T> codec, CallOptions options, IdempotentAction<T, X> action) throws X {
    Map<String, Pending> pending = pendingInThisTransaction();
    Pending earlier = pending.get(key.storageKey());
    if (earlier != null) {
      if (!earlier.fingerprint().equals(fingerprint)) {
        throw new KeyReusedException(key);
      }
      @SuppressWarnings("unchecked")
      T value = (T) earlier.result().value();
      return new CallResult<>(value, true, earlier.result().fencingToken());
    }
    Ran<T> ran = new Ran<>();
    CompletableFuture<CallResult<T>> settled = engine.executeAsync(key, fingerprint, codec, options, claim -> {
      T value = action.run(claim);
      CompletableFuture<T> outcome = new CompletableFuture<>();
      TransactionSynchronizationManager.registerSynchronization(new Completion<>(key, value, outcome));
      ran.result = new CallResult<>(value, false, claim.fencingToken());
      return outcome;
    });
    if (ran.result == null) {
      // Replayed, refused, or the action failed (its claim already released): the future is done.
      return rethrowing(settled);
    }
    settled.whenComplete((stored, failure) -> {
      if (failure != null && !(failure instanceof TransactionNotCommittedException)) {
        LOG.warn("the result of {} was not stored after its transaction committed: {}", key, failure.toString());
      }
    });
    pending.put(key.storageKey(), new Pending(fingerprint, ran.result));
    return ran.result;
  }

  /** The calls of the current transaction that wait for its commit, by storage key. */
  private Map<String, Pending> pendingInThisTransaction() {
    @SuppressWarnings("unchecked")
    Map<String, Pending> map = (Map<String, Pending>) TransactionSynchronizationManager.getResource(this);
    if (map == null) {
      Map<String, Pending> created = new HashMap<>();
      TransactionSynchronizationManager.bindResource(this, created);
      TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
        @Override
        public void afterCompletion(int status) {
          TransactionSynchronizationManager.unbindResourceIfPossible(TransactionRunner.this);
        }
      });
      map = created;
    }
    return map;
  }

  /** The action's own exception or the library's, as the synchronous call would throw them. */
  private static <T, X extends Exception> CallResult<T> rethrowing(CompletableFuture<CallResult<T>> done) throws X {
    try {
      return done.join();
    } catch (CompletionException e) {
      throw TransactionRunner.<RuntimeException>sneaky(e.getCause() != null ? e.getCause() : e);
    }
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E sneaky(Throwable t) throws E {
    throw (E) t;
  }

  /** What the action returned, set on the calling thread before the transaction ends. */
  private static final class Ran<T> {
    CallResult<T> result;
  }

  /** A call of this transaction and what it returned. */
  private record Pending(Fingerprint fingerprint, CallResult<?> result) { }

  /** Hands the result to the engine after a commit, or a failure (the claim is released) otherwise. */
  private static final class Completion<T> implements TransactionSynchronization {
    private final IdempotencyKey key;
    private final T value;
    private final CompletableFuture<T> outcome;

    Completion(IdempotencyKey key, T value, CompletableFuture<T> outcome) {
      this.key = key;
      this.value = value;
      this.outcome = outcome;
    }

    @Override
    public int getOrder() {
      return Ordered.LOWEST_PRECEDENCE;
    }

    @Override
    public void afterCompletion(int status) {
      if (status == STATUS_COMMITTED) {
        outcome.complete(value);
        return;
      }
      if (status == STATUS_UNKNOWN) {
        LOG.warn("the transaction of {} ended in an unknown state; its key is released so that a retry "
            + "can run, and a unique key in the database of record decides whether its rows exist", key);
      }
      outcome.completeExceptionally(new TransactionNotCommittedException(key, status));
    }
  }

  /** Why a claim was released: its transaction did not commit. */
  static final class TransactionNotCommittedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TransactionNotCommittedException(IdempotencyKey key, int status) {
      super("the transaction of " + key + (status == TransactionSynchronization.STATUS_ROLLED_BACK
          ? " rolled back" : " ended in an unknown state") + "; its key is released", null, false, false);
    }
  }
}
