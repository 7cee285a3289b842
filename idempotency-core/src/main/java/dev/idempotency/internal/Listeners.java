package dev.idempotency.internal;

import dev.idempotency.IdempotencyEvent;
import dev.idempotency.IdempotencyListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls a listener without letting its failure disturb the strategy. Not part of the public API. */
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
