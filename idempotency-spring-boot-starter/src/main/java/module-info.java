/**
 * Spring Boot auto-configuration for the idempotency SDK: the backend, {@code @Idempotent} beans,
 * transactions, {@code Idempotency-Key} for Spring MVC and WebFlux, meters and health.
 *
 * <p>Every integration but the core is optional ({@code requires static}): the auto-configuration
 * switches each part on only when its classes are present, as Spring Boot's own starters do. The
 * configuration packages are opened to Spring, which proxies and binds them reflectively.
 */
module dev.idempotency.spring {
  requires transitive dev.idempotency.core;
  requires transitive spring.boot;
  requires transitive spring.boot.autoconfigure;
  requires transitive spring.context;
  requires spring.beans;
  requires spring.core;
  requires spring.aop;
  requires org.slf4j;
  requires java.sql;

  requires static dev.idempotency.redis;
  requires static dev.idempotency.jdbc;
  requires static dev.idempotency.hazelcast;
  requires static com.hazelcast.core;
  requires static spring.jdbc;
  requires static spring.tx;
  requires static spring.web;
  requires static spring.webmvc;
  requires static spring.webflux;
  requires static jakarta.servlet;
  requires static reactor.core;
  requires static org.reactivestreams;
  requires static micrometer.core;
  requires static spring.boot.health;
  requires static com.fasterxml.jackson.databind;
  requires static tools.jackson.databind;

  exports dev.idempotency.spring;
  exports dev.idempotency.spring.web;

  opens dev.idempotency.spring to spring.core, spring.beans, spring.context, spring.boot;
  opens dev.idempotency.spring.web to spring.core, spring.beans, spring.context, spring.boot, spring.web,
      spring.webmvc, spring.webflux;
}
