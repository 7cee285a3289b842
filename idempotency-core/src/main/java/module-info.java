/**
 * The idempotency SDK's core: strategies, SPIs, codecs and the in-memory backend.
 *
 * <p>Exports the API, the SPI and {@code dev.idempotency.spi.support} (helpers any backend may use).
 * {@code dev.idempotency.internal} is exported to no module. Applications on the module path whose request or
 * result types are not public, or live in packages they do not export, open those packages to
 * {@code dev.idempotency.core} for fingerprints, key templates and the JSON codecs.
 */
module dev.idempotency.core {
  requires transitive org.slf4j;
  requires com.github.benmanes.caffeine;
  // Optional: each JSON flavour is touched only by its own codec class. An application that passes
  // its own mapper to Jackson2Codecs or Jackson3Codecs requires that Jackson itself.
  requires static com.fasterxml.jackson.databind;
  requires static tools.jackson.databind;
  // Optional: only an @Idempotent method returning Mono or Flux touches Reactor.
  requires static reactor.core;
  requires static org.reactivestreams;

  exports dev.idempotency;
  exports dev.idempotency.annotation;
  exports dev.idempotency.cache;
  exports dev.idempotency.codec;
  exports dev.idempotency.dedup;
  exports dev.idempotency.defence;
  exports dev.idempotency.lock;
  exports dev.idempotency.memory;
  exports dev.idempotency.optimistic;
  exports dev.idempotency.ratelimit;
  exports dev.idempotency.spi;
  exports dev.idempotency.state;
  exports dev.idempotency.stock;
  exports dev.idempotency.token;
  exports dev.idempotency.spi.support;
}
