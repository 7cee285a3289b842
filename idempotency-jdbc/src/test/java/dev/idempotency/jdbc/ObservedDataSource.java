package dev.idempotency.jdbc;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.temporal.Temporal;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Wraps a data source to watch what the backend sends: how many statements, commits, rollbacks and
 * savepoints it executes (its round trips) and whether any parameter is a time value from the JVM (it must never be: expiry is the
 * database's clock).
 */
final class ObservedDataSource implements DataSource {
  private final DataSource delegate;
  final AtomicInteger executed = new AtomicInteger();
  final List<String> timeParameters = new CopyOnWriteArrayList<>();

  ObservedDataSource(DataSource delegate) {
    this.delegate = delegate;
  }

  int count(Runnable op) {
    int before = executed.get();
    op.run();
    return executed.get() - before;
  }

  @Override
  public Connection getConnection() throws SQLException {
    return wrap(delegate.getConnection());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return wrap(delegate.getConnection(username, password));
  }

  private Connection wrap(Connection c) {
    return proxy(Connection.class, c, (m, args, result) -> {
      if (result instanceof PreparedStatement ps) {
        return watch(PreparedStatement.class, ps);
      }
      if (result instanceof Statement s) {
        return watch(Statement.class, s);
      }
      return result;
    });
  }

  private <T extends Statement> T watch(Class<T> type, T statement) {
    return proxy(type, statement, (m, args, result) -> result);
  }

  private interface After {
    Object apply(Method m, Object[] args, Object result);
  }

  private <T> T proxy(Class<T> type, T target, After after) {
    InvocationHandler h = (p, m, args) -> {
      String name = m.getName();
      if (name.startsWith("execute") || name.equals("commit") || name.equals("rollback")
          || name.equals("setSavepoint") || name.equals("releaseSavepoint")) {
        executed.incrementAndGet();
      }
      if (name.startsWith("set") && args != null && args.length >= 2
          && (args[1] instanceof Temporal || args[1] instanceof Date)) {
        timeParameters.add(name + "(" + args[1] + ")");
      }
      if (name.equals("setTimestamp") || name.equals("setDate") || name.equals("setTime")) {
        timeParameters.add(name);
      }
      try {
        return after.apply(m, args, m.invoke(target, args));
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, h));
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return delegate.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    delegate.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    delegate.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return delegate.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return delegate.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return delegate.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return delegate.isWrapperFor(iface);
  }
}
