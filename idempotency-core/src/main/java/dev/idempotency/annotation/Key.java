package dev.idempotency.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a parameter of an {@link Idempotent} method as (part of) the idempotency key, as an
 * alternative to {@link Idempotent#key()}. Several marked parameters are joined with {@code ':'} in
 * parameter order. A null argument is an {@link dev.idempotency.InvalidInputException}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Key {}
