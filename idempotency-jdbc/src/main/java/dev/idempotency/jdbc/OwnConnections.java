package dev.idempotency.jdbc;

import dev.idempotency.InvalidInputException;
import javax.sql.DataSource;

/**
 * Finds the pool behind a transaction-aware proxy. Such a proxy hands out the connection bound to
 * the caller's transaction; a backend that committed it would commit the caller's work, and a
 * caller's rollback would then leave the backend's rows (or worse, commit the business rows the
 * caller meant to roll back). Known proxies are recognised by class name, so no framework is a
 * dependency: Spring's {@code TransactionAwareDataSourceProxy} (and subclasses).
 */
final class OwnConnections {
  private static final String SPRING_PROXY = "org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy";

  private OwnConnections() {}

  static DataSource unwrap(DataSource dataSource) {
    DataSource current = dataSource;
    for (int depth = 0; depth < 8 && isTransactionAware(current.getClass()); depth++) {
      Object target;
      try {
        target = current.getClass().getMethod("getTargetDataSource").invoke(current);
      } catch (ReflectiveOperationException | RuntimeException e) {
        throw new InvalidInputException("dataSource", "cannot unwrap the transaction-aware "
            + current.getClass().getName() + " (" + e + "); pass the connection pool itself");
      }
      if (!(target instanceof DataSource pool)) {
        throw new InvalidInputException("dataSource", current.getClass().getName()
            + " has no target data source; pass the connection pool itself");
      }
      current = pool;
    }
    return current;
  }

  private static boolean isTransactionAware(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      if (c.getName().equals(SPRING_PROXY)) {
        return true;
      }
    }
    return false;
  }
}
