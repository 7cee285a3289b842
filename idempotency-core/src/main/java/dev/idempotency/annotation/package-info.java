/**
 * {@link dev.idempotency.annotation.Idempotent} on service-interface methods, applied by the JDK
 * dynamic proxy of {@link dev.idempotency.annotation.Idempotency}: no container needed.
 */
package dev.idempotency.annotation;
