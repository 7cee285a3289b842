package dev.idempotency.spi.support;

import dev.idempotency.IdempotencyEvent;
import dev.idempotency.IdempotencyListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls a listener without letting its failure disturb the strategy: a backend that reports
 * events itself (as a transactional store does) reports them through here, so a throwing listener is
 * logged and never turns a stored outcome into a failure. Thread-safe; stateless.
 */
public final class Listeners {
  private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

  private Listeners() {}

  /**
   * Reports an event, logging (not throwing) a listener failure.
   *
   * @param listener the listener
   * @param event the event
   * @param namespace the namespace
   */
  public static void report(IdempotencyListener listener, IdempotencyEvent event, String namespace) {
    try {
      listener.onEvent(event, namespace);
    } catch (RuntimeException e) {
      LOG.warn("idempotency listener {} failed on {} ({})", listener, event, namespace, e);
    }
  }
}
