package dev.idempotency.examples.orders.demo;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The demo's fault injection, off until a scenario or a test turns it on; the queue and its handlers
 * see it only as their {@code DeliveryFaults}.
 */
@Configuration(proxyBeanMethods = false)
class DemoConfiguration {

  @Bean
  Chaos chaos() {
    return new Chaos();
  }
}
