/**
 * The Spring Boot starter: {@link dev.idempotency.spring.IdempotencyAutoConfiguration} (the backend,
 * the engine, {@code @Idempotent} on beans, transactions, meters and health) and its
 * {@link dev.idempotency.spring.IdempotencyProperties}.
 */
package dev.idempotency.spring;
