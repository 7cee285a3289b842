package dev.idempotency.spring;

import dev.idempotency.spi.Backend;
import dev.idempotency.spi.IdempotencyStore;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The backend's health: one cheap read of a key nobody writes (a Redis {@code HGETALL}, a primary-key
 * {@code SELECT}, a map lookup). Up with the backend's name; down with the library's exception when
 * the store does not answer.
 */
public final class IdempotencyHealthIndicator extends AbstractHealthIndicator {
  private static final String PROBE = "health:probe";
  private final Backend backend;
  private final IdempotencyStore store;

  /**
   * The health of a backend.
   *
   * @param backend the backend
   */
  public IdempotencyHealthIndicator(Backend backend) {
    super("Idempotency backend health check failed");
    this.backend = backend;
    this.store = backend.idempotencyStore();
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    store.find(PROBE);
    builder.up().withDetail("backend", backend.name());
  }
}
