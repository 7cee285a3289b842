package dev.idempotency.spring;

import dev.idempotency.spi.Backend;
import java.util.Map;
import java.util.WeakHashMap;
import javax.sql.DataSource;

/**
 * Which application DataSource a backend built here writes through: only such a backend joins the
 * application's transactions (a backend the application built itself may be on another database).
 */
final class BackendDataSource {
  private static final Map<Backend, DataSource> BUILT = java.util.Collections.synchronizedMap(new WeakHashMap<>());

  private BackendDataSource() {}

  static void remember(Backend backend, DataSource dataSource) {
    if (dataSource != null) {
      BUILT.put(backend, dataSource);
    }
  }

  static DataSource of(Backend backend) {
    return BUILT.get(backend);
  }
}
