package dev.idempotency.defence;

/**
 * Hears every layer's decision for every request of a {@link LayeredDefence}, from the outermost
 * layer in: a layer that lets a request through is heard before the layers inside it. A service
 * counts its layers with one (the Spring Boot starter registers one that records Micrometer
 * counters) instead of wrapping each layer.
 *
 * <p>Called on the request's thread; it should be fast and must be thread-safe. What it throws is
 * logged and ignored: a listener never changes a request's outcome.
 */
@FunctionalInterface
public interface LayerListener {
  /** A listener that does nothing. */
  LayerListener NOOP = decision -> {};

  /**
   * One layer's decision.
   *
   * @param decision what the layer did
   */
  void decided(LayerDecision decision);
}
