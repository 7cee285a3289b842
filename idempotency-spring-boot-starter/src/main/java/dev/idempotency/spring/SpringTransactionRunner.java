package dev.idempotency.spring;

import dev.idempotency.CallOptions;
import dev.idempotency.CallResult;
import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.IdempotentAction;
import dev.idempotency.annotation.IdempotentMethods;
import dev.idempotency.codec.ResultCodec;
import dev.idempotency.jdbc.TransactionalCalls;
import java.sql.Connection;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Runs an {@code @Idempotent} call in the caller's Spring transaction when there is one on the
 * backend's {@code DataSource}: the claim and the result are rows of that transaction
 * ({@link TransactionalCalls}), so a rollback leaves no record (a retry runs again) and a commit
 * cannot lose the result. Outside such a transaction the call runs through the engine as usual.
 * Without a DataSource (another backend) every call runs through the engine. Thread-safe.
 */
final class SpringTransactionRunner implements IdempotentMethods.CallRunner {
  private final IdempotencyEngine engine;
  private final TransactionalCalls calls;
  private final DataSource dataSource;

  SpringTransactionRunner(IdempotencyEngine engine, TransactionalCalls calls, DataSource dataSource) {
    this.engine = engine;
    this.calls = calls;
    this.dataSource = dataSource;
  }

  /**
   * Whether the current thread is in a Spring transaction bound to the backend's DataSource.
   *
   * @return true if a call now would join it
   */
  boolean inTransaction() {
    return dataSource != null && boundTo(dataSource);
  }

  /** Whether the current thread is in a Spring transaction bound to a DataSource. */
  static boolean boundTo(DataSource dataSource) {
    return TransactionSynchronizationManager.isActualTransactionActive()
        && TransactionSynchronizationManager.hasResource(dataSource);
  }

  @Override
  public <T, X extends Exception> CallResult<T> execute(IdempotencyKey key, Fingerprint fingerprint,
      ResultCodec<T> codec, CallOptions options, IdempotentAction<T, X> action) throws X {
    if (!inTransaction()) {
      return engine.execute(key, fingerprint, codec, options, action);
    }
    Connection c = DataSourceUtils.getConnection(dataSource);
    try {
      return calls.execute(c, key, fingerprint, codec, options, action);
    } finally {
      DataSourceUtils.releaseConnection(c, dataSource);
    }
  }
}
