package dev.idempotency.spring.web;

import java.util.function.Supplier;

/**
 * A value looked up once, on first use, then kept: the application's handler mappings, which the
 * route finders need on every request but which exist only once the context has started (looking
 * them up per request cost a fifth of the key filter's CPU under load). Thread-safe.
 *
 * @param <T> the value's type
 */
final class Once<T> implements Supplier<T> {
  private final Supplier<T> lookup;
  private volatile T value;

  Once(Supplier<T> lookup) {
    this.lookup = lookup;
  }

  @Override
  public T get() {
    T v = value;
    if (v == null) {
      synchronized (this) {
        v = value;
        if (v == null) {
          v = lookup.get();
          value = v;
        }
      }
    }
    return v;
  }
}
